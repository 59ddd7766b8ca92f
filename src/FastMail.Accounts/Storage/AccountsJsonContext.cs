using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastMail.Accounts.Storage;

/// <summary>Source-generated JSON for accounts.json: the binary is native AOT, so no reflection-based serializer.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(AccountsDocument))]
internal sealed partial class AccountsJsonContext : JsonSerializerContext;
