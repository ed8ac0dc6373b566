using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ReverseEtl.Core.Definitions;

/// <summary>
/// YamlDotNet's parser, remembering which flow collections (<c>[</c> or <c>{</c>) are open and how far the scanner got:
/// some broken flow collections make the scanner fail with an <see cref="InvalidOperationException"/> that carries
/// no position, and this says where the unclosed bracket stands.
/// </summary>
internal sealed class FlowTrackingParser : IParser
{
    private readonly Scanner _scanner;
    private readonly Parser _parser;
    private readonly Stack<(Mark Start, bool Flow, char Bracket)> _open = new();

    public FlowTrackingParser(string text)
    {
        _scanner = new Scanner(new StringReader(text), skipComments: true);
        _parser = new Parser(_scanner);
    }

    public ParsingEvent? Current => _parser.Current;

    /// <summary>Where the scanner stood last.</summary>
    public Mark Position => _scanner.CurrentPosition;

    /// <summary>The innermost flow collection not yet closed, if any: where it starts and its opening bracket.</summary>
    public (Mark Start, char Bracket)? InnermostOpenFlow =>
        _open.FirstOrDefault(o => o.Flow) is { Flow: true } open ? (open.Start, open.Bracket) : null;

    public bool MoveNext()
    {
        var moved = _parser.MoveNext();
        switch (_parser.Current)
        {
            case SequenceStart sequence:
                _open.Push((sequence.Start, sequence.Style == SequenceStyle.Flow, '['));
                break;
            case MappingStart mapping:
                _open.Push((mapping.Start, mapping.Style == MappingStyle.Flow, '{'));
                break;
            case SequenceEnd or MappingEnd when _open.Count > 0:
                _open.Pop();
                break;
        }

        return moved;
    }
}
