using System.Text;
using FastMail.Core.Mail;
using FastMail.Core.Services;
using FastMail.Migration;

namespace FastMail.Tests.Migration;

/// <summary>The byte-level pieces of import and export: mbox splitting, line-end conversion both ways, Maildir order, header fields.</summary>
public sealed class MigrationParsingTests
{
    [Fact]
    public void MboxReaderSplitsAtFromLinesDropsTheSeparatorBlankLineAndUnescapesMboxrd()
    {
        var messages = ReadMbox(
            "From a Sun Dec  6 10:00:00 2026\nSubject: 1\n\n>From x\n>>>From y\n>Fromage\n\n\n" +
            "From b Sun Dec  6 10:00:00 2026\n" +
            "From c Sun Dec  6 10:00:00 2026\nSubject: 3\n\nlast\n\n");
        Assert.Equal(["Subject: 1\n\nFrom x\n>>From y\n>Fromage\n\n", "", "Subject: 3\n\nlast\n"], messages);
    }

    [Fact]
    public void MboxReaderReadsAnEmptyFileAsNoMessages() => Assert.Empty(ReadMbox(""));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void StoreMessageSinkTurnsBareLfIntoCrlfAcrossEveryChunkBoundary(int chunk)
    {
        var input = Encoding.Latin1.GetBytes("a\nb\r\nc\rd\n\ne");
        using var writer = new CollectingWriter();
        var sink = new StoreMessageSink(writer);
        for (var i = 0; i < input.Length; i += chunk)
        {
            sink.Write(input.AsSpan(i, Math.Min(chunk, input.Length - i)));
        }

        Assert.Equal("a\r\nb\r\nc\rd\r\n\r\ne", Encoding.Latin1.GetString(writer.Bytes.ToArray()));
        Assert.Equal("a\r\nb\r\nc\rd\r\n\r\n", Encoding.Latin1.GetString(sink.Header));
    }

    [Fact]
    public void LfCopierWritesLfLinesAndEscapesFromLinesForMbox()
    {
        var stored = Encoding.Latin1.GetBytes("Subject: x\r\n\r\nFrom me\r\n>From you\r\nbare\rcr\r\nend");
        using var output = new MemoryStream();
        var (bytes, lines, endsWithLf) = LfCopier.Copy(new MemoryStream(stored), output, escapeFrom: true);
        Assert.Equal("Subject: x\n\n>From me\n>>From you\nbare\rcr\nend", Encoding.Latin1.GetString(output.ToArray()));
        Assert.Equal(output.Length, bytes);
        Assert.Equal(5, lines);
        Assert.False(endsWithLf);
    }

    [Fact]
    public void AnExportedMboxReadsBackToTheStoredBytes()
    {
        var stored = "Subject: x\r\n\r\nFrom me\r\n>From you\r\n\r\n";
        using var output = new MemoryStream();
        output.Write("From x Sun Dec  6 10:00:00 2026\n"u8);
        LfCopier.Copy(new MemoryStream(Encoding.Latin1.GetBytes(stored)), output, escapeFrom: true);
        output.Write("\n"u8);
        using var writer = new CollectingWriter();
        var sink = new StoreMessageSink(writer);
        var reader = new MboxReader(new MemoryStream(output.ToArray()));
        Assert.True(reader.ReadNext(sink, out _));
        Assert.Equal(stored, Encoding.Latin1.GetString(writer.Bytes.ToArray()));
    }

    [Fact]
    public void MaildirMessagesAreOrderedByDeliverySecondThenMicrosecondsThenName()
    {
        using var maildir = new TempDirectory("maildir");
        foreach (var folder in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(maildir.File(folder));
        }

        string[] names = ["200.M5P1.h", "100.M900000P1.h,S=1:2,S", "100.M20000P9.h,S=1", "100.V1I2M30000.h", "300.x.h", ".hidden"];
        foreach (var name in names)
        {
            File.WriteAllText(Path.Combine(maildir.File(name.Contains(":2,", StringComparison.Ordinal) ? "cur" : "new"), name), "x\n");
        }

        File.WriteAllText(Path.Combine(maildir.File("tmp"), "50.M1P1.h"), "in progress\n");
        var order = MaildirReader.List(maildir.Path).Select(m => m.Label).ToList();
        Assert.Equal(["new/100.M20000P9.h,S=1", "new/100.V1I2M30000.h", "cur/100.M900000P1.h,S=1:2,S", "new/200.M5P1.h", "new/300.x.h"], order);
    }

    [Fact]
    public void HeaderFieldsReadFoldedValuesTheReturnPathAndTheNewestReceivedDate()
    {
        var header = Encoding.Latin1.GetBytes(
            "Return-Path: <bounce@example.org>\r\nReceived: from a\r\n\tby b; Sun, 6 Dec 2026 10:00:00 +0100\r\nReceived: from c; Sat, 5 Dec 2026 00:00:00 +0000\r\n" +
            "message-id:\r\n <id@example.org>\r\nDate: Fri, 4 Dec 2026 00:00:00 +0000\r\n\r\nMessage-ID: <body@example.org>\r\n");
        Assert.Equal("bounce@example.org", HeaderFields.ReturnPath(header));
        Assert.Equal("<id@example.org>", HeaderFields.First(header, "Message-ID"));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero), HeaderFields.Arrival(header));
        Assert.Null(HeaderFields.First(header, "X-Missing"));
        Assert.Equal("Sun Dec  6 09:00:00 2026", HeaderFields.AscTime(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero)));
    }

    private static List<string> ReadMbox(string text)
    {
        var reader = new MboxReader(new MemoryStream(Encoding.Latin1.GetBytes(text)));
        var messages = new List<string>();
        while (true)
        {
            var sink = new RawSink();
            if (!reader.ReadNext(sink, out _))
            {
                return messages;
            }

            messages.Add(Encoding.Latin1.GetString(sink.Bytes.ToArray()));
        }
    }

    private sealed class RawSink : IMessageSink
    {
        public MemoryStream Bytes { get; } = new();

        public void Write(ReadOnlySpan<byte> data) => Bytes.Write(data);
    }

    private sealed class CollectingWriter : IMessageWriter
    {
        public MemoryStream Bytes { get; } = new();

        public long Length => Bytes.Length;

        public void Write(ReadOnlySpan<byte> data) => Bytes.Write(data);

        public ValueTask<long> CommitAsync(Envelope envelope, IReadOnlyList<string> mailboxes, CancellationToken cancellationToken) => ValueTask.FromResult(1L);

        public void Dispose()
        {
        }
    }
}
