namespace FastMail.Relay.Routing;

/// <summary>A static next hop from <c>relay.routes</c>: mail for the route's domain goes to <paramref name="Host"/>:<paramref name="Port"/>
/// instead of the domain's MX, authenticating with the credentials from <c>relay.credentials</c> when there are any.</summary>
/// <param name="Host">A host name, an IPv4 literal, or an IPv6 literal (without the brackets of the configuration syntax).</param>
/// <param name="Port">The TCP port, 25 unless the route names another (587 for a submission smarthost).</param>
/// <param name="UserName">The AUTH user name for this host, or null to send without AUTH.</param>
/// <param name="Password">The AUTH password, null exactly when <paramref name="UserName"/> is.</param>
public sealed record RelayRoute(string Host, int Port, string? UserName, string? Password)
{
    /// <summary>Keeps the password out of logs and test output.</summary>
    public override string ToString() => UserName is null ? $"{Host}:{Port}" : $"{Host}:{Port} (as {UserName})";
}
