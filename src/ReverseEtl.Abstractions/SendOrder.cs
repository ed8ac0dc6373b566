namespace ReverseEtl.Abstractions;

/// <summary>
/// The order a run's batches went in, for a side effect that must follow it while several batches are in flight at
/// once: the dry-run outbox, which lists the requests in the order of the rows. The run takes a <see cref="Turn"/>
/// per batch, in order (<see cref="Next"/>), makes it current around the batch's send (<see cref="Turn.Enter"/>) and
/// ends it with <see cref="Turn.EndAsync"/> once the batch is answered; code deep in the send (an HTTP handler) hands
/// its effect to <see cref="Current"/>, which runs it after every effect of the earlier turns.
/// </summary>
/// <remarks>Not thread-safe: one sender takes the turns. A turn's effects and end are safe from any thread.</remarks>
public sealed class SendOrder
{
    private static readonly AsyncLocal<Turn?> CurrentTurn = new();
    private Task _last = Task.CompletedTask;

    /// <summary>The turn of the batch being sent on this flow, if a run took one.</summary>
    public static Turn? Current => CurrentTurn.Value;

    /// <summary>The next batch's turn: its effects run after those of every turn taken before it.</summary>
    public Turn Next()
    {
        var turn = new Turn(_last);
        _last = turn.Ended;
        return turn;
    }

    /// <summary>One batch's place in the order.</summary>
    public sealed class Turn
    {
        private readonly Lock _lock = new();
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task _effects;

        internal Turn(Task earlier) => _effects = earlier;

        // Completes once this turn's effects are over, whether they failed or not: a later turn never inherits an
        // earlier one's error (that error is the earlier batch's, thrown by its own EndAsync).
        internal Task Ended => _ended.Task;

        /// <summary>Makes this turn current for the calling async flow (an async method's own change ends with it).</summary>
        public void Enter() => CurrentTurn.Value = this;

        /// <summary>
        /// Runs <paramref name="effect"/> after the earlier turns' effects and this turn's earlier ones, without waiting
        /// for it: its error comes out of <see cref="EndAsync"/>.
        /// </summary>
        public void Then(Func<Task> effect)
        {
            ArgumentNullException.ThrowIfNull(effect);
            lock (_lock)
            {
                _effects = ChainAsync(_effects, effect);
            }
        }

        /// <summary>Waits for this turn's effects (and so the earlier turns'), then lets the later turns' run; throws this turn's first error.</summary>
        public async Task EndAsync()
        {
            Task effects;
            lock (_lock)
            {
                effects = _effects;
            }

            try
            {
                await effects.ConfigureAwait(false);
            }
            finally
            {
                _ended.TrySetResult();
            }
        }

        // An effect after a failed one of the same turn does not run: the failure is thrown once, by EndAsync.
        private static async Task ChainAsync(Task before, Func<Task> effect)
        {
            await before.ConfigureAwait(false);
            await effect().ConfigureAwait(false);
        }
    }
}
