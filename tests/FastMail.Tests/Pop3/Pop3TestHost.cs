using System.Net;
using FastMail.Pop3;
using FastMail.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Tests.Pop3;

/// <summary>One POP3 handler over an in-memory store and directory; every script it starts shares them.</summary>
internal sealed class Pop3TestHost
{
    public const string Greeting = "+OK FastMail POP3 server ready";

    // The tutorial's two messages, CRLF line ends as stored.
    public const string FirstMessage = "From: jose@example.com\r\nTo: motriles@example.com\r\nSubject: Hola\r\n\r\nHola Motriles\r\nHasta luego\r\n";
    public const string SecondMessage = "From: ana@example.com\r\nTo: motriles@example.com\r\nSubject: Second\r\n\r\nSecond body\r\n";

    private Pop3SessionHandler? _handler;

    public InMemoryMailStore Store { get; } = new();

    public FakeDirectory Directory { get; } = new FakeDirectory().AddUser("motriles", "jose").AddUser("ana", "secret words");

    public Pop3Options Options { get; } = new() { HostName = "mail.example.com" };

    public Pop3TestHost WithTutorialMailbox()
    {
        Store.Add("motriles", FirstMessage);
        Store.Add("motriles", SecondMessage);
        return this;
    }

    /// <summary>Starts a session; options are read when the first session starts.</summary>
    public SessionScript Start(CancellationToken shutdown = default)
    {
        _handler ??= new Pop3SessionHandler(Options, Directory, Store, NullLogger.Instance);
        var handler = _handler;
        return new SessionScript(pipe => handler.RunAsync(pipe, new IPEndPoint(IPAddress.Loopback, 50110), shutdown));
    }

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
