using System.Text;
using System.Threading.Channels;

namespace FastMail.Core.Diagnostics;

/// <summary>Which protocol's dialogues a transcript watcher sees.</summary>
public enum TranscriptProtocol : byte
{
    Smtp,
    Pop3,
}

/// <summary>Who sent a transcript line: the client ('C') or the server ('S').</summary>
public enum TranscriptDirection : byte
{
    Client = (byte)'C',
    Server = (byte)'S',
}

/// <summary>One line of a live protocol dialogue, CRLF stripped, secrets replaced by "***".</summary>
public readonly record struct TranscriptLine(long ConnectionId, TranscriptDirection Direction, string Text, DateTimeOffset Time);

/// <summary>
/// Live protocol transcripts for the admin UI: off unless an admin watches. A session asks <see cref="SmtpWatched"/> or
/// <see cref="Pop3Watched"/> (one volatile read) and does nothing else while nobody watches: no allocation, no lock.
/// While someone watches, each line becomes one string copied into every watcher's bounded channel; a full channel
/// drops the line (counted in <see cref="TranscriptWatch.Dropped"/>): a slow browser never slows a session.
/// Passwords and SASL data are redacted before they leave the session (see <see cref="PublishClient"/>).
/// </summary>
public static class Transcripts
{
    /// <summary>Longest line text kept; the rest is cut and "…" appended.</summary>
    public const int MaxLineLength = 512;

    /// <summary>What replaces a secret in a transcript.</summary>
    public const string Redacted = "***";

    private static readonly Lock s_lock = new();
    private static volatile int s_smtpWatchers;
    private static volatile int s_pop3Watchers;
    private static volatile TranscriptWatch[] s_smtp = [];
    private static volatile TranscriptWatch[] s_pop3 = [];
    private static long s_nextConnectionId;

    /// <summary>True while at least one admin watches SMTP dialogues: the only thing an SMTP session asks when nobody does.</summary>
    public static bool SmtpWatched => s_smtpWatchers != 0;

    /// <summary>True while at least one admin watches POP3 dialogues.</summary>
    public static bool Pop3Watched => s_pop3Watchers != 0;

    /// <summary>True while <paramref name="protocol"/> is watched.</summary>
    public static bool IsWatched(TranscriptProtocol protocol) => protocol == TranscriptProtocol.Smtp ? SmtpWatched : Pop3Watched;

    /// <summary>
    /// Starts watching <paramref name="protocol"/>: lines from now on arrive in <see cref="TranscriptWatch.Reader"/>, at most
    /// <paramref name="capacity"/> waiting. Dispose the watch to stop; the last watcher gone turns capture off.
    /// </summary>
    public static TranscriptWatch Watch(TranscriptProtocol protocol, int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var watch = new TranscriptWatch(protocol, capacity);
        lock (s_lock)
        {
            if (protocol == TranscriptProtocol.Smtp)
            {
                s_smtp = [.. s_smtp, watch];
                s_smtpWatchers = s_smtp.Length;
            }
            else
            {
                s_pop3 = [.. s_pop3, watch];
                s_pop3Watchers = s_pop3.Length;
            }
        }

        return watch;
    }

    /// <summary>A new connection id for transcripts (ids are handed out only while someone watches).</summary>
    public static long NextConnectionId() => Interlocked.Increment(ref s_nextConnectionId);

    /// <summary>Publishes a server line (or part of one) as is.</summary>
    public static void PublishServer(TranscriptProtocol protocol, long connectionId, ReadOnlySpan<byte> line) =>
        Publish(protocol, connectionId, TranscriptDirection.Server, line, keep: line.Length);

    /// <summary>A client line that is entirely secret (a SASL response, say): published as "***".</summary>
    public static void PublishSecret(TranscriptProtocol protocol, long connectionId) =>
        Publish(protocol, connectionId, TranscriptDirection.Client, "***"u8, keep: 3);

    /// <summary>
    /// Publishes a client command line with its secrets redacted: "PASS x" → "PASS ***", "AUTH PLAIN xxx" → "AUTH PLAIN ***",
    /// "APOP user digest" → "APOP user ***" (verbs in any case). Anything else is published as is.
    /// </summary>
    public static void PublishClient(TranscriptProtocol protocol, long connectionId, ReadOnlySpan<byte> line) =>
        Publish(protocol, connectionId, TranscriptDirection.Client, line, keep: RedactedLength(line));

    /// <summary>
    /// How much of <paramref name="line"/> may be shown; everything after it is a secret. The whole line when it holds none.
    /// </summary>
    internal static int RedactedLength(ReadOnlySpan<byte> line)
    {
        var words = line.Length >= 4 ? VerbOf(line) switch
        {
            "PASS" => 1,
            "AUTH" or "APOP" => 2,
            _ => 0,
        } : 0;
        if (words == 0)
        {
            return line.Length;
        }

        // Keep the verb (and the mechanism or user name), then the separating space; the rest is secret.
        var end = 0;
        for (var word = 0; word < words; word++)
        {
            while (end < line.Length && line[end] == (byte)' ')
            {
                end++;
            }

            while (end < line.Length && line[end] != (byte)' ')
            {
                end++;
            }
        }

        return end < line.Length ? end : line.Length;
    }

    private static string VerbOf(ReadOnlySpan<byte> line)
    {
        if (line.Length > 4 && line[4] != (byte)' ')
        {
            return "";
        }

        Span<char> verb = stackalloc char[4];
        for (var i = 0; i < 4; i++)
        {
            verb[i] = (char)(line[i] & 0xDF);
        }

        return verb switch
        {
            "PASS" => "PASS",
            "AUTH" => "AUTH",
            "APOP" => "APOP",
            _ => "",
        };
    }

    private static void Publish(TranscriptProtocol protocol, long connectionId, TranscriptDirection direction, ReadOnlySpan<byte> line, int keep)
    {
        var watchers = protocol == TranscriptProtocol.Smtp ? s_smtp : s_pop3;
        if (watchers.Length == 0)
        {
            return;
        }

        var text = Format(line, keep);
        var entry = new TranscriptLine(connectionId, direction, text, DateTimeOffset.UtcNow);
        foreach (var watch in watchers)
        {
            watch.Offer(entry);
        }
    }

    private static string Format(ReadOnlySpan<byte> line, int keep)
    {
        var redacted = keep < line.Length;
        var shown = line[..keep];
        var cut = shown.Length > MaxLineLength;
        if (cut)
        {
            shown = shown[..MaxLineLength];
        }

        // Latin-1 maps every byte to one char: a transcript shows what was on the wire, never throws on bad UTF-8.
        var text = Encoding.Latin1.GetString(shown);
        if (redacted)
        {
            text = (shown.Length > 0 && shown[^1] == (byte)' ' ? text : text + " ") + Redacted;
        }

        return cut ? text + "…" : text;
    }

    internal static void Remove(TranscriptWatch watch)
    {
        lock (s_lock)
        {
            if (watch.Protocol == TranscriptProtocol.Smtp)
            {
                s_smtp = Array.FindAll(s_smtp, w => w != watch);
                s_smtpWatchers = s_smtp.Length;
            }
            else
            {
                s_pop3 = Array.FindAll(s_pop3, w => w != watch);
                s_pop3Watchers = s_pop3.Length;
            }
        }
    }
}

/// <summary>One admin watching one protocol: read <see cref="Reader"/>, dispose to stop.</summary>
public sealed class TranscriptWatch : IDisposable
{
    private readonly Channel<TranscriptLine> _channel;
    private long _dropped;
    private int _disposed;

    internal TranscriptWatch(TranscriptProtocol protocol, int capacity)
    {
        Protocol = protocol;
        _channel = Channel.CreateBounded<TranscriptLine>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, SingleWriter = false },
            _ => Interlocked.Increment(ref _dropped));
    }

    public TranscriptProtocol Protocol { get; }

    /// <summary>The lines, in the order each session produced them; completed when the watch is disposed.</summary>
    public ChannelReader<TranscriptLine> Reader => _channel.Reader;

    /// <summary>Lines dropped because the reader fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(TranscriptLine line) => _channel.Writer.TryWrite(line);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Transcripts.Remove(this);
            _channel.Writer.TryComplete();
        }
    }
}
