using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using FastMail.Core.Mail;
using FastMail.Storage;
using FastMail.Storage.Mailboxes;
using FastMail.Tests.TestKit;

namespace FastMail.Tests.Storage;

/// <summary>
/// A data directory written by the build before the FasterKV index (its own "FMCKPT01" index checkpoints in mail/index,
/// a compacted and truncated log, mail after the last checkpoint) opens, lists exactly what it held, and is converted
/// once: the old checkpoints are gone and the next start recovers from the FasterKV checkpoint. The fixture and how it
/// was made: Fixtures/fmckpt01-store.*.
/// </summary>
public sealed class LegacyIndexConversionTests
{
    private static readonly string[] Mailboxes = ["alice", "bob", "carol"];

    [Fact]
    public async Task ADataDirectoryOfTheFormerIndexFormatOpensListsEverythingAndIsConvertedOnce()
    {
        var directory = Extract();
        try
        {
            var expected = await File.ReadAllTextAsync(Fixture("fmckpt01-store.expected.txt"));
            Assert.True(File.Exists(Path.Combine(directory, "mail", "index", "checkpoint-115500.bin")), "the fixture holds the old checkpoints");

            var logger = new RecordingLogger();
            await using (var store = FasterMailStore.Open(Options(directory), logger))
            {
                Assert.Equal(expected, await ListingAsync(store));
            }

            Assert.True(logger.Has(4018), "conversion not reported");
            Assert.False(Directory.Exists(Path.Combine(directory, "mail", "index")));

            // Converted once: the next start recovers from the FasterKV checkpoint and replays nothing.
            var second = new RecordingLogger();
            await using (var store = FasterMailStore.Open(Options(directory), second))
            {
                Assert.Equal(expected, await ListingAsync(store));
            }

            Assert.False(second.Has(4018));
            Assert.Contains(second.Entries, e => e.EventId == 4007 && e.Message.Contains("replayed 0 log records", StringComparison.Ordinal));
        }
        finally
        {
            TempDirectory.DeleteQuietly(directory);
        }
    }

    /// <summary>The geometry the fixture's log was written with (Fixtures/README of the generator: page 4 KB, segment 64 KB).</summary>
    private static StorageOptions Options(string directory) => new()
    {
        DataDirectory = directory,
        PageSizeBits = 12,
        SegmentSizeBits = 16,
        MemorySizeBits = 14,
        ChunkSize = 1024,
        MinFreeBytes = 0,
        IndexMemory = 1 << 20,
        MaintenancePeriod = TimeSpan.Zero,
    };

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", name);

    private static string Extract()
    {
        var directory = TempDirectory.Create("legacy-store");
        using var file = File.OpenRead(Fixture("fmckpt01-store.tar.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        TarFile.ExtractToDirectory(gzip, directory, overwriteFiles: false);
        return directory;
    }

    /// <summary>mailbox TAB id TAB size TAB sha256 TAB envelope per message, mailboxes by name, messages in POP3 order.</summary>
    private static async Task<string> ListingAsync(FasterMailStore store)
    {
        var text = new StringBuilder();
        foreach (var mailbox in Mailboxes)
        {
            await using var session = await store.TryOpenMailboxAsync(mailbox, CancellationToken.None);
            Assert.NotNull(session);
            for (var k = 0; k < session.Count; k++)
            {
                var body = await TempStore.ReadMessageAsync(session, k, 700);
                var envelope = await ((MailboxSession)session).ReadEnvelopeAsync(k, CancellationToken.None);
                text.Append(CultureInfo.InvariantCulture, $"{mailbox}\t{session.GetId(k)}\t{session.GetSize(k)}\t{Convert.ToHexStringLower(SHA256.HashData(body))}\t{Format(envelope)}\n");
            }
        }

        return text.ToString();
    }

    private static string Format(Envelope? envelope)
    {
        if (envelope is null)
        {
            return "-";
        }

        var to = new List<string>();
        for (var r = 0; r < envelope.RecipientCount; r++)
        {
            to.Add(Encoding.ASCII.GetString(envelope[r].Address));
        }

        return $"from={Encoding.ASCII.GetString(envelope.Sender)};to={string.Join(',', to)}";
    }
}
