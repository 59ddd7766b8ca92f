using FastMail.Core.Services;

namespace FastMail.Core.Protocol;

/// <summary>A protocol session kept in a <see cref="SessionPool{TSession}"/>: it serves one connection at a time.</summary>
internal interface IPooledSession
{
    /// <summary>Serves one connection to its end; never throws for what the client does.</summary>
    Task RunAsync(IMailConnection connection, CancellationToken shutdown);

    /// <summary>Clears everything the last connection left behind (secrets included), so the object starts like a new one.</summary>
    void Reset();
}
