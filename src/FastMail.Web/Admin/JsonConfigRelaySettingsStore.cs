using System.Text.Json;
using System.Text.Json.Nodes;
using FastMail.Accounts;

namespace FastMail.Web.Admin;

/// <summary>
/// Writes relay.allowRelay and relay.trustedNetworks into the JSON configuration file the server was started with
/// (--config), keeping every other key. The file is replaced atomically (temporary file, fsync, rename) with the mode
/// of the original. Comments in the file are not kept (System.Text.Json does not round-trip them). An environment
/// variable or --set for the same key still wins at the next start, as it did at this one.
/// </summary>
public sealed class JsonConfigRelaySettingsStore : IRelaySettingsStore
{
    private readonly Lock _lock = new();

    public JsonConfigRelaySettingsStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The configuration file.</summary>
    public string Path { get; }

    public bool IsPersistent => true;

    public string Description => $"Saved to {Path} (comments in that file are not kept) and applied at once.";

    public void Save(RelaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        lock (_lock)
        {
            var text = File.Exists(Path) ? File.ReadAllText(Path) : "{}";
            JsonObject root;
            try
            {
                root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                    ?? throw new IOException($"configuration file '{Path}': the top level is not a JSON object");
            }
            catch (JsonException exception)
            {
                throw new IOException($"configuration file '{Path}' is not valid JSON: {exception.Message}", exception);
            }

            // The loader reads "relay.allowRelay" at the top level and "allowRelay" inside "relay": keep one place.
            root.Remove("relay.allowRelay");
            root.Remove("relay.trustedNetworks");
            if (root["relay"] is not JsonObject relay)
            {
                relay = [];
                root["relay"] = relay;
            }

            relay["allowRelay"] = JsonValue.Create(settings.AllowRelay);
            var networks = new JsonArray();
            foreach (var network in settings.TrustedNetworks)
            {
                networks.Add((JsonNode?)JsonValue.Create(network));
            }

            relay["trustedNetworks"] = networks;
            WriteAtomically(root);
        }
    }

    private void WriteAtomically(JsonObject root)
    {
        var temporary = Path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
            {
                root.WriteTo(writer);
            }

            file.WriteByte((byte)'\n');
            file.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows() && File.Exists(Path))
        {
            File.SetUnixFileMode(temporary, File.GetUnixFileMode(Path));
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
