using System.Diagnostics;
using FastMail.Delivery;
using FastMail.Web.Admin;

namespace FastMail.Hosting;

/// <summary>
/// The admin status page's numbers: each mail listener's open connections, messages per minute (commits counted by the
/// delivery step, over the minute before the previous look, or since start in the first minute), and the store's size
/// on disk and the free space beside it.
/// </summary>
internal sealed class HostStatus(MailServer server, string mailDirectory, MailDelivery delivery) : IServerStatus
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Queue<(long Timestamp, long Commits)> _samples = new();

    public ServerStatus GetStatus()
    {
        var listeners = server.MailListeners
            .Select(l => new ListenerStatus(l.Kind, l.EndPoint.ToString(), l.Connections))
            .ToList();
        return new ServerStatus(listeners, MessagesPerMinute(), UsedBytes(), FreeBytes(), Stopwatch.GetElapsedTime(_started));
    }

    private double MessagesPerMinute()
    {
        var now = Stopwatch.GetTimestamp();
        var commits = delivery.Commits;
        lock (_samples)
        {
            _samples.Enqueue((now, commits));
            while (_samples.Count > 1 && Stopwatch.GetElapsedTime(_samples.Peek().Timestamp, now) > TimeSpan.FromMinutes(1))
            {
                _samples.Dequeue();
            }

            var (since, before) = _samples.Count > 1 ? _samples.Peek() : (_started, 0);
            var minutes = Math.Max(Stopwatch.GetElapsedTime(since, now).TotalMinutes, 1.0 / 60);
            return Math.Round((commits - before) / minutes, 1, MidpointRounding.AwayFromZero);
        }
    }

    private long UsedBytes()
    {
        try
        {
            return Directory.EnumerateFiles(mailDirectory, "*", SearchOption.AllDirectories).Sum(file => new FileInfo(file).Length);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private long? FreeBytes()
    {
        try
        {
            return new DriveInfo(mailDirectory).AvailableFreeSpace;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
