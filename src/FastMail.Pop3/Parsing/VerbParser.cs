using FastMail.Core.Protocol;

namespace FastMail.Pop3.Parsing;

/// <summary>
/// Splits a command line into its keyword and arguments. RFC 1939 3: keywords are three or four
/// case-insensitive characters; they are compared as one integer (<see cref="VerbKey"/>).
/// </summary>
internal static class VerbParser
{
    private const uint User = 'u' | ('s' << 8) | ('e' << 16) | ((uint)'r' << 24);
    private const uint Pass = 'p' | ('a' << 8) | ('s' << 16) | ((uint)'s' << 24);
    private const uint Apop = 'a' | ('p' << 8) | ('o' << 16) | ((uint)'p' << 24);
    private const uint Auth = 'a' | ('u' << 8) | ('t' << 16) | ((uint)'h' << 24);
    private const uint Capa = 'c' | ('a' << 8) | ('p' << 16) | ((uint)'a' << 24);
    private const uint Quit = 'q' | ('u' << 8) | ('i' << 16) | ((uint)'t' << 24);
    private const uint Stat = 's' | ('t' << 8) | ('a' << 16) | ((uint)'t' << 24);
    private const uint List = 'l' | ('i' << 8) | ('s' << 16) | ((uint)'t' << 24);
    private const uint Retr = 'r' | ('e' << 8) | ('t' << 16) | ((uint)'r' << 24);
    private const uint Dele = 'd' | ('e' << 8) | ('l' << 16) | ((uint)'e' << 24);
    private const uint Noop = 'n' | ('o' << 8) | ('o' << 16) | ((uint)'p' << 24);
    private const uint Rset = 'r' | ('s' << 8) | ('e' << 16) | ((uint)'t' << 24);
    private const uint Uidl = 'u' | ('i' << 8) | ('d' << 16) | ((uint)'l' << 24);
    private const uint Stls = 's' | ('t' << 8) | ('l' << 16) | ((uint)'s' << 24);
    private const uint Top = 't' | ('o' << 8) | ('p' << 16);

    /// <summary>
    /// Returns the verb of <paramref name="line"/> (without CRLF) and the text after the single space that ends it.
    /// <paramref name="arguments"/> is empty when the line holds only the keyword.
    /// </summary>
    public static Pop3Verb Parse(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> arguments)
    {
        var space = line.IndexOf((byte)' ');
        var keyword = space < 0 ? line : line[..space];
        arguments = space < 0 ? default : line[(space + 1)..];

        if (keyword.Length == 4)
        {
            return VerbKey.Read4(keyword) switch
            {
                User => Pop3Verb.User,
                Pass => Pop3Verb.Pass,
                Apop => Pop3Verb.Apop,
                Auth => Pop3Verb.Auth,
                Capa => Pop3Verb.Capa,
                Quit => Pop3Verb.Quit,
                Stat => Pop3Verb.Stat,
                List => Pop3Verb.List,
                Retr => Pop3Verb.Retr,
                Dele => Pop3Verb.Dele,
                Noop => Pop3Verb.Noop,
                Rset => Pop3Verb.Rset,
                Uidl => Pop3Verb.Uidl,
                Stls => Pop3Verb.Stls,
                _ => Pop3Verb.Unknown,
            };
        }

        if (keyword.Length == 3 && VerbKey.Read3(keyword) == Top)
        {
            return Pop3Verb.Top;
        }

        return Pop3Verb.Unknown;
    }
}
