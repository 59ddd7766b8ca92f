using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastMail.Web.Admin;

// Wire shapes of the admin API (camelCase JSON, source-generated: the binary is native AOT).

/// <summary>One user in GET /api/admin/users.</summary>
/// <param name="QuotaBytes">The user's own quota (0 unlimited) or null when the default applies.</param>
/// <param name="EffectiveQuotaBytes">The quota in force (own or default); 0 is unlimited.</param>
public sealed record AdminUser(string Name, bool Admin, bool Apop, long? QuotaBytes, long EffectiveQuotaBytes, long UsedBytes);

public sealed record AddUserRequest(string? Name, string? Password, bool Admin);

public sealed record PasswordRequest(string? Password);

public sealed record QuotaRequest(long? QuotaBytes);

public sealed record AdminFlagRequest(bool Admin);

public sealed record DomainRequest(string? Domain);

public sealed record AliasRequest(string? Address, string[]? Targets);

public sealed record AdminAlias(string Address, IReadOnlyList<string> Targets);

public sealed record RelayRequest(bool AllowRelay, string[]? TrustedNetworks);

/// <param name="Persistent">False when changes last until the next restart only (no --config).</param>
/// <param name="Storage">A sentence for the page: where the settings are saved.</param>
public sealed record RelayState(bool AllowRelay, IReadOnlyList<string> TrustedNetworks, bool Persistent, string Storage);

/// <summary>The outcome of a change: ok, and a message fit to show.</summary>
public sealed record AdminOutcome(bool Ok, string Message, string? Error = null);

public sealed record QueueRecipient(string Address, string State, int Attempts, DateTimeOffset NextAttempt, string? LastReply);

public sealed record QueueMessage(long Id, string Sender, long Size, DateTimeOffset Arrived, IReadOnlyList<QueueRecipient> Recipients);

/// <param name="Available">False when this server has no outbound queue.</param>
public sealed record QueueState(bool Available, IReadOnlyList<QueueMessage> Messages);

/// <summary>One transcript line as a server-sent event: c connection, d direction ("C" or "S"), t text, at time.</summary>
public sealed record TranscriptEvent(long C, string D, string T, DateTimeOffset At);

/// <summary>Sent as "event: stats" with the heartbeat: lines dropped because the browser fell behind.</summary>
public sealed record TranscriptStats(long Dropped);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdminUser[]))]
[JsonSerializable(typeof(AddUserRequest))]
[JsonSerializable(typeof(PasswordRequest))]
[JsonSerializable(typeof(QuotaRequest))]
[JsonSerializable(typeof(AdminFlagRequest))]
[JsonSerializable(typeof(DomainRequest))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(AliasRequest))]
[JsonSerializable(typeof(AdminAlias[]))]
[JsonSerializable(typeof(RelayRequest))]
[JsonSerializable(typeof(RelayState))]
[JsonSerializable(typeof(AdminOutcome))]
[JsonSerializable(typeof(QueueState))]
[JsonSerializable(typeof(ServerStatus))]
[JsonSerializable(typeof(TranscriptEvent))]
[JsonSerializable(typeof(TranscriptStats))]
public sealed partial class AdminJsonContext : JsonSerializerContext;
