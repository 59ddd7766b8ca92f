using System.Text.Json;
using FastMail.Core.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace FastMail.Web.Admin;

/// <summary>
/// GET /api/admin/transcripts?protocol=smtp|pop3: live dialogues as server-sent events (text/event-stream). Each line is
/// one "data:" event with <see cref="TranscriptEvent"/> JSON; a heartbeat every <see cref="HeartbeatInterval"/> carries
/// "event: stats" with the lines dropped so far. Capture runs only while at least one such request is open.
/// </summary>
public static class AdminTranscripts
{
    /// <summary>How often an idle stream sends its stats event (keeps proxies from closing it).</summary>
    public static TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Lines one watcher may have waiting before new ones are dropped.</summary>
    public const int Capacity = 2048;

    public static async Task Stream(HttpContext context)
    {
        TranscriptProtocol protocol;
        switch (context.Request.Query["protocol"].ToString().ToLowerInvariant())
        {
            case "smtp":
                protocol = TranscriptProtocol.Smtp;
                break;
            case "pop3":
                protocol = TranscriptProtocol.Pop3;
                break;
            default:
                await AdminApi.Write(context, new AdminOutcome(false, "give protocol=smtp or protocol=pop3", "BadRequest"), AdminJsonContext.Default.AdminOutcome, StatusCodes.Status400BadRequest);
                return;
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();

        var aborted = context.RequestAborted;
        using var watch = Transcripts.Watch(protocol, Capacity);
        await response.WriteAsync(": watching " + (protocol == TranscriptProtocol.Smtp ? "smtp" : "pop3") + "\n\n", aborted);
        await response.Body.FlushAsync(aborted);
        var buffer = new MemoryStream();
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                heartbeat.CancelAfter(HeartbeatInterval);
                bool more;
                try
                {
                    more = await watch.Reader.WaitToReadAsync(heartbeat.Token);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    buffer.Write("event: stats\ndata: "u8);
                    JsonSerializer.Serialize(buffer, new TranscriptStats(watch.Dropped), AdminJsonContext.Default.TranscriptStats);
                    buffer.Write("\n\n"u8);
                    await Send(response, buffer, aborted);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                // Everything waiting goes out in one write and one flush.
                while (watch.Reader.TryRead(out var line) && buffer.Length < 64 * 1024)
                {
                    buffer.Write("data: "u8);
                    var direction = line.Direction == TranscriptDirection.Client ? "C" : "S";
                    JsonSerializer.Serialize(buffer, new TranscriptEvent(line.ConnectionId, direction, line.Text, line.Time), AdminJsonContext.Default.TranscriptEvent);
                    buffer.Write("\n\n"u8);
                }

                await Send(response, buffer, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The admin closed the page: disposing the watch turns capture off when nobody else watches.
        }
    }

    private static async Task Send(HttpResponse response, MemoryStream buffer, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        buffer.SetLength(0);
    }
}
