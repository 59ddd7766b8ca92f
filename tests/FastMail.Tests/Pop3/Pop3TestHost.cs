using System.Net;
using FastMail.Core.Sasl;
using FastMail.Pop3;
using FastMail.Tests.Sasl;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Pop3;

/// <summary>One POP3 handler over an in-memory store and directory; every script it starts shares them.</summary>
internal sealed class Pop3TestHost
{
    public const string Greeting = "+OK FastMail POP3 server ready";

    // The tutorial's two messages, CRLF line ends as stored.
    public const string FirstMessage = "From: jose@example.com\r\nTo: motriles@example.com\r\nSubject: Hola\r\n\r\nHola Motriles\r\nHasta luego\r\n";
    public const string SecondMessage = "From: ana@example.com\r\nTo: motriles@example.com\r\nSubject: Second\r\n\r\nSecond body\r\n";

    /// <summary>A client on another network (TEST-NET-3, RFC 5737): clear-text passwords need TLS from here.</summary>
    public static readonly IPEndPoint RemoteClient = new(IPAddress.Parse("203.0.113.7"), 50110);

    public static readonly IPEndPoint LoopbackClient = new(IPAddress.Loopback, 50110);

    private Pop3SessionHandler? _handler;

    public InMemoryMailStore Store { get; } = new();

    public FakeDirectory Directory { get; } = new FakeDirectory().AddUser("motriles", "jose").AddUser("ana", "secret words");

    public Pop3Options Options { get; } = new() { HostName = "mail.example.com" };

    /// <summary>The SASL users (same passwords as <see cref="Directory"/>); used once <see cref="WithSasl"/> was called.</summary>
    public SaslTestCredentials SaslCredentials { get; } = new SaslTestCredentials().Add("motriles", "jose").Add("ana", "secret words");

    public Pop3Security? Security { get; set; }

    public ILogger Logger { get; set; } = NullLogger.Instance;

    public Pop3SessionHandler Handler => _handler ??= new Pop3SessionHandler(Options, Directory, Store, Logger, time: null, Security);

    public Pop3TestHost WithTutorialMailbox()
    {
        Store.Add("motriles", FirstMessage);
        Store.Add("motriles", SecondMessage);
        return this;
    }

    /// <summary>Offers AUTH with PLAIN, LOGIN and SCRAM-SHA-256 over <see cref="SaslCredentials"/>, with an optional throttle.</summary>
    public Pop3TestHost WithSasl(Core.Services.IAuthThrottle? throttle = null)
    {
        var factory = new SaslServerFactory(SaslCredentials, new SaslServerOptions { ScramFakeIterations = 4096 });
        Security = new Pop3Security { Sasl = factory, Throttle = throttle };
        return this;
    }

    /// <summary>Starts a session from the loopback address; options are read when the first session starts.</summary>
    public SessionScript Start(CancellationToken shutdown = default) => Start(LoopbackClient, shutdown);

    /// <summary>Starts a plaintext session (no STLS) from <paramref name="remote"/>.</summary>
    public SessionScript Start(IPEndPoint remote, CancellationToken shutdown = default)
    {
        var handler = Handler;
        return new SessionScript(pipe => handler.RunAsync(pipe, remote, shutdown));
    }

    /// <summary>Starts a session on a connection that can STLS, driven by a client that can switch to TLS.</summary>
    public Pop3TlsClient StartWithTls(IPEndPoint remote) => new(Handler, remote);

    /// <summary>Starts a session, checks the greeting and logs in as motriles.</summary>
    public async Task<SessionScript> StartLoggedIn(string user = "motriles", string password = "jose")
    {
        var script = Start();
        await script.ExpectLine(Greeting);
        await script.Send("USER " + user);
        await script.ExpectLine("+OK Password required");
        await script.Send("PASS " + password);
        await script.Expect("+OK Mailbox locked and ready");
        return script;
    }
}
