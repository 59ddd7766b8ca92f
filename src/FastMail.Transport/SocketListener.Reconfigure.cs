using FastMail.Transport.Limits;

namespace FastMail.Transport;

public sealed partial class SocketListener
{
    /// <summary>
    /// Applies new options to the connections accepted from now on (a configuration reload): the connection limits, the
    /// rate limit, the busy reply, buffer sizes, timeouts and the implicit-TLS options (a renewed certificate). The bound
    /// socket stays: <see cref="ListenerOptions.EndPoint"/>, <see cref="ListenerOptions.Name"/> and
    /// <see cref="ListenerOptions.Backlog"/> are kept from <see cref="Start"/> whatever <paramref name="options"/> says.
    /// Connections already served keep what they were admitted with.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (nothing is changed).</exception>
    public void Reconfigure(ListenerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var current = _options;
        var next = options.Snapshot();
        next.EndPoint = current.EndPoint;
        next.Name = current.Name;
        next.Backlog = current.Backlog;
        next.Validate();

        _limiter.SetLimits(next.MaxConnections, next.MaxConnectionsPerIp);
        if (next.MaxConnectionRatePerIp != current.MaxConnectionRatePerIp || next.TimeProvider != current.TimeProvider)
        {
            // A fresh bucket table: every address starts with a full allowance under the new rate.
            _rateLimiter = new ConnectionRateLimiter(next.MaxConnectionRatePerIp, next.TimeProvider);
        }

        _options = next;
    }
}
