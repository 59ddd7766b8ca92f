namespace FastMail.Core.Services;

/// <summary>
/// What an alias delivers to, fully expanded (nested aliases resolved) when the directory loaded its accounts: the
/// local mailboxes and the remote addresses. Immutable and shared: <see cref="IDirectory.TryExpandAlias"/> hands out the
/// same instance for every lookup, so asking costs no allocation.
/// </summary>
public sealed class AliasExpansion
{
    public AliasExpansion(IReadOnlyList<string> mailboxes, IReadOnlyList<string> remoteAddresses)
    {
        ArgumentNullException.ThrowIfNull(mailboxes);
        ArgumentNullException.ThrowIfNull(remoteAddresses);
        Mailboxes = mailboxes;
        RemoteAddresses = remoteAddresses;
    }

    /// <summary>Distinct canonical local mailbox names (the instances <see cref="IDirectory.TryFindMailbox(ReadOnlySpan{byte}, out string?)"/> gives), in target order.</summary>
    public IReadOnlyList<string> Mailboxes { get; }

    /// <summary>Distinct qualified remote addresses ("carol@remote.test", domain lower-cased, local part as written), in target order.</summary>
    public IReadOnlyList<string> RemoteAddresses { get; }
}
