using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastMail.Benchmarks.Infrastructure;
using FastMail.Core.Mail;
using FastMail.Core.Protocol;
using FastMail.Smtp.Parsing;

namespace FastMail.Benchmarks.Parsing;

/// <summary>
/// SMTP command parsing as the session does it, without the replies: frame the line (SmtpCommandParser.TryReadLine,
/// bounded by the 512-octet limit), recognise the verb, then parse what the verb takes (MailAddressParser paths,
/// MailParameters, the local/domain split). One method per verb with realistic parameters, and <see cref="Mix"/>: a
/// pipelined batch of every verb, upper and lower case. Either one contiguous receive buffer or 16-byte segments, so
/// lines straddle segments and go through the scratch copy. One operation is one command. DESIGN.md: 0 B allocated.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Parsing, Categories.Budget)]
public class SmtpCommandParsingBenchmarks
{
    private const int MaxLineLength = 512;
    private const long MaxMessageSize = 25 * 1024 * 1024;

    private static readonly string[] MixCommands =
    [
        "EHLO client.example.org",
        "MAIL FROM:<alice@example.org> SIZE=2048 BODY=8BITMIME",
        "RCPT TO:<bob@fastmail.test>",
        "RCPT TO:<carol@fastmail.test>",
        "RCPT TO:<Dave.Smith+lists@fastmail.test>",
        "DATA",
        "RSET",
        "NOOP",
        "mail from:<>",
        "rcpt to:<postmaster>",
        "VRFY bob",
        "HELP",
        "QUIT",
    ];

    private readonly byte[] _scratch = new byte[MaxLineLength];
    private ReadOnlySequence<byte> _ehlo;
    private ReadOnlySequence<byte> _mailFrom;
    private ReadOnlySequence<byte> _rcptTo;
    private ReadOnlySequence<byte> _data;
    private ReadOnlySequence<byte> _quit;
    private ReadOnlySequence<byte> _mix;

    /// <summary>Receive buffer layout: one contiguous segment, or 16-byte segments.</summary>
    [Params(false, true)]
    public bool Segmented { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ehlo = Input(MixCommands[0]);
        _mailFrom = Input(MixCommands[1]);
        _rcptTo = Input(MixCommands[2]);
        _data = Input("DATA");
        _quit = Input("QUIT");
        _mix = Input(MixCommands);

        // Every command must parse the way the session needs it, or the numbers describe error paths.
        Check(Ehlo(), (int)SmtpVerb.Ehlo, "EHLO");
        Check(MailFrom(), (int)SmtpVerb.Mail + 1, "MAIL FROM");
        Check(RcptTo(), (int)SmtpVerb.Rcpt + 1, "RCPT TO");
        Check(Data(), (int)SmtpVerb.Data, "DATA");
        Check(Quit(), (int)SmtpVerb.Quit, "QUIT");
        Check(ParseAll(_mix), MixCommands.Length, "the mix");
    }

    [Benchmark]
    public int Ehlo() => ParseOne(_ehlo);

    [Benchmark]
    public int MailFrom() => ParseOne(_mailFrom);

    [Benchmark]
    public int RcptTo() => ParseOne(_rcptTo);

    [Benchmark]
    public int Data() => ParseOne(_data);

    [Benchmark]
    public int Quit() => ParseOne(_quit);

    /// <summary>The pipelined batch; the result counts the commands that parsed cleanly.</summary>
    [Benchmark(OperationsPerInvoke = 13)]
    public int Mix() => ParseAll(_mix);

    private int ParseOne(ReadOnlySequence<byte> input)
    {
        if (SmtpCommandParser.TryReadLine(input, MaxLineLength, _scratch, out var line, out _) != LineStatus.Complete)
        {
            return -1;
        }

        var verb = SmtpCommandParser.ParseVerb(line, out var arguments);
        return (int)verb + ParseArguments(verb, arguments);
    }

    private int ParseAll(ReadOnlySequence<byte> input)
    {
        var parsed = 0;
        while (SmtpCommandParser.TryReadLine(input, MaxLineLength, _scratch, out var line, out var next) == LineStatus.Complete)
        {
            input = input.Slice(next);
            var verb = SmtpCommandParser.ParseVerb(line, out var arguments);
            if (verb is SmtpVerb.Mail or SmtpVerb.Rcpt ? ParseArguments(verb, arguments) == 1 : verb != SmtpVerb.Unknown)
            {
                parsed++;
            }
        }

        return parsed;
    }

    /// <summary>What SmtpSession.MailFrom / RcptTo do with the arguments before touching the directory; 1 when valid.</summary>
    private static int ParseArguments(SmtpVerb verb, ReadOnlySpan<byte> arguments)
    {
        ReadOnlySpan<byte> address;
        ReadOnlySpan<byte> parameters;
        switch (verb)
        {
            case SmtpVerb.Mail:
                if (MailAddressParser.TryParsePath(arguments, "from:"u8, strict: false, allowNullPath: true, out address, out parameters) != PathStatus.Ok
                    || MailParameters.Check(parameters, MaxMessageSize) != ParameterStatus.Ok)
                {
                    return 0;
                }

                break;
            case SmtpVerb.Rcpt:
                if (MailAddressParser.TryParsePath(arguments, "to:"u8, strict: false, allowNullPath: false, out address, out parameters) != PathStatus.Ok
                    || !parameters.IsEmpty)
                {
                    return 0;
                }

                break;
            default:
                return 0;
        }

        // The session qualifies an address without a domain; a null reverse-path has neither part.
        MailAddressParser.Split(address, out var local, out _);
        return local.IsEmpty && !address.IsEmpty ? 0 : 1;
    }

    private ReadOnlySequence<byte> Input(params string[] commands)
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(commands.Select(command => command + "\r\n")));
        return Segments.Split(text, Segmented ? 16 : text.Length);
    }

    private static void Check(int actual, int expected, string what)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"Parsing {what} gave {actual}, expected {expected}.");
        }
    }
}
