using FastMail.Core.Services;
using Microsoft.Extensions.ObjectPool;

namespace FastMail.Core.Protocol;

/// <summary>
/// Pooled sessions of one listener: every buffer lives as long as the session object, so once the pool is warm a
/// connection costs only its async state. Thread-safe.
/// </summary>
internal sealed class SessionPool<TSession>
    where TSession : class, IPooledSession
{
    private readonly ObjectPool<TSession> _pool;

    /// <param name="create">Makes a session bound to the listener's services (called when the pool is empty).</param>
    /// <param name="maximumRetained">Idle sessions kept for reuse; more are dropped on return.</param>
    public SessionPool(Func<TSession> create, int maximumRetained) =>
        _pool = new DefaultObjectPool<TSession>(new Policy(create), maximumRetained);

    /// <summary>Runs one connection on a pooled session and returns the session, reset, to the pool.</summary>
    public async Task RunAsync(IMailConnection connection, CancellationToken shutdown)
    {
        var session = _pool.Get();
        try
        {
            await session.RunAsync(connection, shutdown);
        }
        finally
        {
            _pool.Return(session);
        }
    }

    private sealed class Policy(Func<TSession> create) : IPooledObjectPolicy<TSession>
    {
        public TSession Create() => create();

        public bool Return(TSession obj)
        {
            obj.Reset();
            return true;
        }
    }
}
