using System.Collections.Concurrent;
using System.Net;
using FastMail.Core.Services;

namespace FastMail.Tests.Pop3;

/// <summary>An <see cref="IAuthThrottle"/> that records every call in order and locks out the accounts it is told to.</summary>
internal sealed class RecordingThrottle : IAuthThrottle
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public HashSet<string> LockedAccounts { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool IsLockedOut(IPAddress? ip, string? account)
    {
        Calls.Enqueue($"locked? {ip} {account}");
        return account is not null && LockedAccounts.Contains(account);
    }

    public Task DelayAsync(IPAddress? ip, string? account, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"delay {ip} {account}");
        return Task.CompletedTask;
    }

    public void RecordFailure(IPAddress? ip, string? account) => Calls.Enqueue($"failure {ip} {account}");

    public void RecordSuccess(IPAddress? ip, string? account) => Calls.Enqueue($"success {ip} {account}");
}
