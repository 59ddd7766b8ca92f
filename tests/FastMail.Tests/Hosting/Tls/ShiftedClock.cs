namespace FastMail.Tests.Hosting.Tls;

/// <summary>The system clock moved by a fixed offset, for certificate expiry without waiting two years.</summary>
internal sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
}
