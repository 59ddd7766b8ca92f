using FastMail.Web.Security;
using Microsoft.Extensions.Logging;

namespace FastMail.Web.Api;

/// <summary>What every handler shares: the services, options, the session table and the log.</summary>
internal sealed class WebState(WebServices services, WebOptions options, WebSessionStore sessions, ILogger logger)
{
    public WebServices Services { get; } = services;

    public WebOptions Options { get; } = options;

    public WebSessionStore Sessions { get; } = sessions;

    public ILogger Logger { get; } = logger;

    /// <summary>The user's address: the login name when qualified, else name@primaryDomain.</summary>
    public string AddressOf(WebSession session) =>
        session.User.Contains('@', StringComparison.Ordinal) ? session.User : session.User + "@" + Services.Directory.PrimaryDomain;
}
