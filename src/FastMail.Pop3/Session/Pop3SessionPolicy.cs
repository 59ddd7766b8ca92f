using FastMail.Core.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace FastMail.Pop3.Session;

/// <summary>Creates sessions bound to one handler's services and resets them fully on return to the pool.</summary>
internal sealed class Pop3SessionPolicy(Pop3Options options, IDirectory directory, IMailStore store, ILogger logger, TimeProvider time, Pop3Security security)
    : IPooledObjectPolicy<Pop3Session>
{
    public Pop3Session Create() => new(options, directory, store, logger, time, security);

    public bool Return(Pop3Session obj)
    {
        obj.Reset();
        return true;
    }
}
