namespace FastMail.Hosting.Tls;

/// <summary>A TLS certificate or key that cannot be used; the message names the file and is fit to print at startup.</summary>
internal sealed class TlsCertificateException : Exception
{
    public TlsCertificateException(string message)
        : base(message)
    {
    }

    public TlsCertificateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
