using System.Net;

namespace FastMail.Load.Protocol;

/// <summary>
/// Spreads client sockets over 127.0.0.1 .. 127.0.0.N (--source-addresses N). One source address has
/// at most ~64k ports towards one server port, and closed connections hold theirs in TIME_WAIT for a
/// minute, so tens of thousands of connections (or of connection churn) need several addresses.
/// Every 127/8 address is local on Linux without configuration.
/// </summary>
internal static class SourceAddresses
{
    /// <summary>The source address of connection (or worker) <paramref name="index"/>; null when not spreading.</summary>
    public static IPAddress? For(int? count, long index) =>
        count is { } n ? new IPAddress(new byte[] { 127, 0, 0, (byte)(1 + index % n) }) : null;
}
