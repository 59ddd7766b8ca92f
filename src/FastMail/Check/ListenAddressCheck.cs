using System.Net;
using System.Net.Sockets;
using FastMail.Configuration;
using FastMail.Hosting.Admin;

namespace FastMail.Check;

/// <summary>
/// Every listen address can be bound: bind, then release at once. A port in use is told apart: held by the FastMail
/// server already running on this data directory (its admin socket answers; expected while it runs), or by another
/// process. A port below 1024 refused for permission gets the ways to allow it.
/// </summary>
internal static class ListenAddressCheck
{
    public static IEnumerable<CheckResult> Run(FastMailSettings settings)
    {
        (string Key, IReadOnlyList<IPEndPoint> EndPoints)[] listeners =
        [
            (ConfigKeys.SmtpListen.Name, settings.Smtp.Listen),
            (ConfigKeys.SubmissionListen.Name, settings.Smtp.SubmissionListen),
            (ConfigKeys.SmtpsListen.Name, settings.Smtp.SmtpsListen),
            (ConfigKeys.Pop3Listen.Name, settings.Pop3.Listen),
            (ConfigKeys.Pop3sListen.Name, settings.Pop3.Pop3sListen),
            ("web.listen", settings.Web.Listen),
            ("web.httpsListen", settings.Web.HttpsListen),
        ];
        bool? serverRunning = null;
        foreach (var (key, endPoints) in listeners)
        {
            foreach (var endPoint in endPoints)
            {
                yield return Judge(key, endPoint, TryBind(endPoint), () => serverRunning ??= ServerAnswers(settings.DataDirectory), settings.DataDirectory);
            }
        }
    }

    /// <summary>The line for one address, given why binding it failed (null: it bound).</summary>
    internal static CheckResult Judge(string key, IPEndPoint endPoint, SocketError? error, Func<bool> serverRunning, string dataDirectory)
    {
        var name = $"listen {key} {endPoint}";
        return error switch
        {
            null => CheckResult.Ok(name, "can be bound"),
            SocketError.AddressAlreadyInUse => serverRunning()
                ? CheckResult.Ok(name, $"in use by the FastMail server running on {dataDirectory} (its admin socket answers)")
                : CheckResult.Fail(name, "in use by another process (no FastMail server answers on this data directory); find it with `ss -ltnp`"),
            SocketError.AccessDenied when endPoint.Port is > 0 and < 1024 =>
                CheckResult.Fail(name, $"permission denied: ports below 1024 need root or CAP_NET_BIND_SERVICE (systemd: AmbientCapabilities=CAP_NET_BIND_SERVICE; or `setcap cap_net_bind_service=+ep` on the binary; or sysctl net.ipv4.ip_unprivileged_port_start={endPoint.Port})"),
            SocketError.AddressNotAvailable => CheckResult.Fail(name, $"{endPoint.Address} is not an address of this machine"),
            _ => CheckResult.Fail(name, $"cannot bind: {error}"),
        };
    }

    /// <summary>Null when <paramref name="endPoint"/> could be bound (and was released), else why not.</summary>
    internal static SocketError? TryBind(IPEndPoint endPoint)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(1);
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    /// <summary>True when a FastMail server answers on DATA/admin.sock (any reply, even "unknown command", proves it runs).</summary>
    private static bool ServerAnswers(string dataDirectory)
    {
        try
        {
            AdminClient.SendAsync(dataDirectory, ["ping"], TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            return true;
        }
        catch (AdminUnavailableException)
        {
            return false;
        }
        catch (IOException)
        {
            // It accepted the connection but the reply was odd or late: something runs there.
            return true;
        }
    }
}
