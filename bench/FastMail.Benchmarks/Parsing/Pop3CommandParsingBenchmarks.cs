using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using FastMail.Benchmarks.Infrastructure;
using FastMail.Core.Protocol;
using FastMail.Pop3.Parsing;

namespace FastMail.Benchmarks.Parsing;

/// <summary>
/// POP3 command parsing as the session does it: frame a line (CommandLineReader), recognise the verb (VerbParser), read
/// the numeric arguments (ArgumentReader). One operation is one command of a realistic mix of every verb, upper and
/// lower case, from one receive buffer, either contiguous or split into 16-byte segments so lines straddle segments.
/// DESIGN.md: 0 B allocated.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Parsing, Categories.Budget)]
public class Pop3CommandParsingBenchmarks
{
    private const int CommandCount = 20;

    private static readonly string[] Mix =
    [
        "CAPA", "USER motriles", "PASS correct horse battery staple", "STAT", "LIST", "LIST 1", "UIDL", "UIDL 12",
        "RETR 1", "TOP 3 10", "DELE 1", "NOOP", "RSET", "retr 2", "dele 2", "list 3", "uidl 3", "top 4 0", "noop", "QUIT",
    ];

    private readonly CommandLineReader _reader = new(255);
    private readonly byte[] _line = new byte[255];
    private ReadOnlySequence<byte> _input;

    /// <summary>Receive buffer layout: one contiguous segment, or 16-byte segments.</summary>
    [Params(false, true)]
    public bool Segmented { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Mix.Length != CommandCount)
        {
            throw new InvalidOperationException("CommandCount must match the mix.");
        }

        var text = Encoding.ASCII.GetBytes(string.Concat(Mix.Select(command => command + "\r\n")));
        _input = Segments.Split(text, Segmented ? 16 : text.Length);
        if (ParseAll() != ExpectedChecksum())
        {
            throw new InvalidOperationException("The parser did not recognise the mix as expected.");
        }
    }

    [Benchmark(OperationsPerInvoke = CommandCount)]
    public int ParseMix() => ParseAll();

    private int ParseAll()
    {
        var buffer = _input;
        var checksum = 0;
        while (_reader.TryRead(ref buffer, _line, out var length) == LineStatus.Complete)
        {
            var verb = VerbParser.Parse(_line.AsSpan(0, length), out var arguments);
            checksum += (int)verb;
            while (ArgumentReader.TryReadToken(ref arguments, out var token))
            {
                if (ArgumentReader.TryParseNumber(token, out var number))
                {
                    checksum += number;
                }
            }
        }

        return checksum;
    }

    private static int ExpectedChecksum()
    {
        var verbs = Mix.Sum(command => (int)Enum.Parse<Pop3Verb>(command.Split(' ')[0], ignoreCase: true));
        var numbers = Mix.SelectMany(command => command.Split(' ').Skip(1)).Where(token => token.All(char.IsAsciiDigit)).Sum(int.Parse);
        return verbs + numbers;
    }
}
