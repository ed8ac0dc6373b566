using System.Text.Encodings.Web;

namespace ReverseEtl.Destinations.Slack;

/// <summary>Escapes row values for Slack mrkdwn: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c>, the three characters Slack asks senders to escape.</summary>
internal sealed class MrkdwnEncoder : TextEncoder
{
    public static readonly MrkdwnEncoder Instance = new();

    public override int MaxOutputCharactersPerInputCharacter => 5;

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is '&' or '<' or '>';

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (var i = 0; i < textLength; i++)
        {
            if (WillEncode(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var replacement = unicodeScalar switch
        {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            _ => char.ConvertFromUtf32(unicodeScalar),
        };
        if (replacement.Length > bufferLength)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        replacement.AsSpan().CopyTo(new Span<char>(buffer, bufferLength));
        numberOfCharactersWritten = replacement.Length;
        return true;
    }
}
