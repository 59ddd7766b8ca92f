using System.Net;
using FastMail.Delivery;
using FastMail.Smtp;
using FastMail.Tests.TestKit;
using FastMail.Core.Services;

namespace FastMail.Tests.Smtp;

/// <summary>An SMTP handler over the TestKit fakes: users motriles and bob at example.com (and example.org).</summary>
internal sealed class SmtpHost
{
    public const string HostName = "mx.example.com";

    public SmtpHost(Action<SmtpOptions>? configure = null, SmtpSecurity? security = null, TimeProvider? time = null)
    {
        Directory = new FakeDirectory("example.com").AddDomain("example.org").AddUser("motriles", "pw").AddUser("bob", "pw");
        Options = new SmtpOptions { HostName = HostName };
        configure?.Invoke(Options);
        Store = new InMemoryMailStore();
        Recorder = new RecordingMailStore(Store);
        Logger = new RecordingLogger();
        Delivery = new MailDelivery(Directory, Directory, Recorder, Logger);
        Handler = new SmtpSessionHandler(Options, Directory, Delivery, Logger, time, security);
    }

    public FakeDirectory Directory { get; }

    public RecordingLogger Logger { get; }

    public SmtpOptions Options { get; }

    public InMemoryMailStore Store { get; }

    /// <summary>The store the handler sees: <see cref="Store"/> with counters and failure injection.</summary>
    public RecordingMailStore Recorder { get; }

    public MailDelivery Delivery { get; }

    public SmtpSessionHandler Handler { get; }

    public static IPEndPoint Remote { get; } = new(IPAddress.Parse("192.0.2.7"), 40000);

    /// <summary>Starts a session and reads the greeting.</summary>
    public async Task<SessionScript> Connect(CancellationToken shutdown = default)
    {
        var script = new SessionScript(pipe => Handler.RunAsync(pipe, Remote, shutdown));
        Assert.Equal($"220 {HostName} ESMTP FastMail", await script.ReadLine());
        return script;
    }

    /// <summary>Starts a session from <paramref name="remote"/> over a connection without TLS and reads the greeting.</summary>
    public async Task<SessionScript> ConnectFrom(IPEndPoint remote)
    {
        var script = new SessionScript(pipe => Handler.RunAsync(new PlainMailConnection(pipe, remote), default));
        Assert.Equal($"220 {HostName} ESMTP FastMail", await script.ReadLine());
        return script;
    }

    /// <summary>Starts a session already past EHLO and MAIL FROM.</summary>
    public async Task<SessionScript> ConnectWithSender()
    {
        var script = await Connect();
        await script.Send("EHLO client.example.net");
        await script.ExpectSmtpMultiline("250");
        await script.Send("MAIL FROM:<sender@example.net>");
        await script.Expect("250 2.1.0");
        return script;
    }
}
