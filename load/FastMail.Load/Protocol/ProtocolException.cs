namespace FastMail.Load.Protocol;

/// <summary>An unexpected reply or a broken connection; <see cref="Kind"/> is the short key errors are counted under.</summary>
internal sealed class ProtocolException : Exception
{
    public ProtocolException(string kind, string message) : base(message) => Kind = kind;

    public string Kind { get; }
}
