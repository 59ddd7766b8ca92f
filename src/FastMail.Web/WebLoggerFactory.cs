using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Web;

/// <summary>
/// The host's logger factory as the web host sees it: the same sinks, minus the generic host's lifetime lines ("Now
/// listening on", "Application started"), which <see cref="WebLog.Listening"/> already says in FastMail's words.
/// Never disposes the host's factory.
/// </summary>
internal sealed class WebLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) =>
        categoryName == "Microsoft.Hosting.Lifetime" ? NullLogger.Instance : inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
    }
}
