using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace FastMail.Web;

/// <summary>Where and how the web interface listens (the web.* keys).</summary>
public sealed class WebOptions
{
    /// <summary>Plain HTTP listeners (web.listen, default 0.0.0.0:8080); empty with <see cref="HttpsListen"/> empty = no web server.</summary>
    public IReadOnlyList<IPEndPoint> Listen { get; init; } = [];

    /// <summary>HTTPS listeners (web.httpsListen, default off), using <see cref="Certificate"/> (the SMTP/POP3 certificate).</summary>
    public IReadOnlyList<IPEndPoint> HttpsListen { get; init; } = [];

    /// <summary>
    /// The certificate of the HTTPS listeners, asked for at every handshake, so a reload that renews the mail
    /// certificate renews this one too; required when <see cref="HttpsListen"/> is not empty.
    /// </summary>
    public Func<X509Certificate2>? Certificate { get; init; }

    /// <summary>A session unused this long is forgotten (web.sessionIdle, default 30 minutes).</summary>
    public TimeSpan SessionIdle { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Largest request body (a compose form with attachments): default 35 MB, room for a 25 MB message once encoded.</summary>
    public long MaxRequestBodySize { get; init; } = 35L * 1024 * 1024;

    /// <summary>Largest message the read view parses; bigger ones are listed but shown as too large. Default 64 MB.</summary>
    public long MaxDisplayedMessageSize { get; init; } = 64L * 1024 * 1024;
}
