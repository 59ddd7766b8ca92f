using FastMail.Accounts;
using FastMail.Core.Services;
using FastMail.Relay.Queue;

namespace FastMail.Web.Admin;

/// <summary>What the admin endpoints need from the host.</summary>
/// <param name="Accounts">Changes accounts.json (users, domains, aliases, admin role).</param>
/// <param name="Directory">The live directory: effective quotas, and the relay settings applied at once.</param>
/// <param name="Store">Mailbox usage per user (no I/O, no allocation).</param>
/// <param name="Queue">The outbound queue, or null when relaying is not configured (the page says so).</param>
/// <param name="Status">Connections, messages per minute, storage.</param>
/// <param name="RelayStore">Where relay settings are persisted: <see cref="JsonConfigRelaySettingsStore"/> when the server
/// was started with --config, else <see cref="LiveOnlyRelaySettingsStore"/>.</param>
public sealed record AdminServices(
    AccountAdmin Accounts,
    AccountDirectory Directory,
    IMailStore Store,
    IQueueAdmin? Queue,
    IServerStatus Status,
    IRelaySettingsStore RelayStore);
