using System.Text.Json.Serialization;

namespace FastMail.Web;

/// <summary>Every JSON shape of the web API, serialized by source generation (no reflection under AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(MessageListResponse))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(DeleteRequest))]
[JsonSerializable(typeof(DeleteResponse))]
[JsonSerializable(typeof(SendResponse))]
[JsonSerializable(typeof(PasswordRequest))]
[JsonSerializable(typeof(OkResponse))]
public sealed partial class WebJsonContext : JsonSerializerContext;

public sealed record ErrorResponse(string Error);

public sealed record OkResponse(string Message);

public sealed record LoginRequest(string? User, string? Password);

public sealed record SessionResponse(string User, string Mailbox, string Address, bool IsAdmin, string Csrf);

public sealed record MessageSummary(long Id, string From, string Subject, DateTimeOffset? Date, long Size);

/// <param name="Next">The cursor of the next (older) page: pass it as ?before=; null on the last page.</param>
/// <param name="Locked">A POP3 session holds the mailbox: read-only until it ends.</param>
/// <param name="Scanned">With a search: how many messages were read to fill this page.</param>
public sealed record MessageListResponse(long Total, bool Locked, IReadOnlyList<MessageSummary> Messages, long? Next, int? Scanned = null);

public sealed record AttachmentInfo(int Part, string Name, string ContentType, long Size);

/// <param name="TextHtml">The text/plain body as HTML, encoded by the server with http(s) links made clickable: safe to insert as markup.</param>
/// <param name="HasHtml">A text/html body exists: show it in the sandboxed frame at /api/messages/{id}/html.</param>
public sealed record MessageResponse(
    long Id,
    string From,
    string To,
    string Cc,
    string Subject,
    DateTimeOffset? Date,
    string MessageId,
    string Text,
    string TextHtml,
    bool HasHtml,
    bool HasRemoteImages,
    IReadOnlyList<AttachmentInfo> Attachments,
    bool Locked);

public sealed record DeleteRequest(long[]? Ids);

public sealed record DeleteResponse(int Deleted);

public sealed record SendResponse(IReadOnlyList<string> Delivered, IReadOnlyList<string> Undeliverable);

public sealed record PasswordRequest(string? Current, string? New);
