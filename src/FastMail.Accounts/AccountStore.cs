using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FastMail.Accounts.Storage;
using FastMail.Core.IO;

namespace FastMail.Accounts;

/// <summary>
/// The accounts file <c>accounts.json</c> in the data directory: load, validate, and replace atomically under a
/// cross-process write lock. Readers (the server) never lock: a save is a rename, so a reader sees the old file or
/// the new one, never a half-written one.
/// </summary>
public sealed class AccountStore
{
    /// <summary>File name of the accounts file inside the data directory.</summary>
    public const string FileName = "accounts.json";

    /// <summary>File name of the writers' lock file inside the data directory.</summary>
    public const string LockFileName = "accounts.lock";

    private const string TempSuffix = ".tmp";

    /// <summary>
    /// The default encoder escapes '+' (common in base64 hashes) as \u002B, which makes reading and diffing the file by
    /// hand needlessly hard. accounts.json is never embedded in HTML, so relaxed escaping is safe here.
    /// </summary>
    private static readonly JsonTypeInfo<AccountsDocument> DocumentJson =
        new AccountsJsonContext(new JsonSerializerOptions(AccountsJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })
            .AccountsDocument;

    public AccountStore(string dataDirectory)
        : this(dataDirectory, primaryDomain: null)
    {
    }

    /// <summary>
    /// A store that also checks what depends on the configuration's <paramref name="primaryDomain"/> (always local): that
    /// per-domain users and aliases belong to local domains and that every alias target resolves. The server and the
    /// admin commands open it this way; without a primary domain only the syntax of the file is checked.
    /// </summary>
    public AccountStore(string dataDirectory, string? primaryDomain)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        PrimaryDomain = primaryDomain;
        DataDirectory = Path.GetFullPath(dataDirectory);
        FilePath = Path.Combine(DataDirectory, FileName);
        LockPath = Path.Combine(DataDirectory, LockFileName);
    }

    /// <summary>The absolute data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The absolute path of accounts.json.</summary>
    public string FilePath { get; }

    /// <summary>The primary domain the file is checked against, or null (syntax checks only).</summary>
    public string? PrimaryDomain { get; }

    /// <summary>The absolute path of accounts.lock.</summary>
    public string LockPath { get; }

    /// <summary>How long a writer waits for another writer's lock before giving up. Default 5 seconds.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Reads and validates the file. A missing file is an empty document (a fresh install).
    /// Throws <see cref="AccountsFileException"/> naming the file when it is unreadable, corrupt or of another version.
    /// </summary>
    public AccountsDocument Load() => Parse(ReadBytes());

    /// <summary>
    /// Replaces the file with <paramref name="document"/> atomically: write a temp file in the same directory, flush it
    /// to disk, rename it over accounts.json, fsync the directory. Callers that read-modify-write use <see cref="Update{T}"/>.
    /// </summary>
    public void Save(AccountsDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Validate(document);
        OwnerOnly.CreateDirectory(DataDirectory);
        using (WriteLock.Acquire(LockPath, LockTimeout))
        {
            WriteAtomically(document);
        }
    }

    /// <summary>
    /// Runs <paramref name="change"/> on the current document while holding the write lock, and saves the document
    /// when <paramref name="change"/> reports it changed something. Two CLI processes never lose each other's change.
    /// </summary>
    public T Update<T>(Func<AccountsDocument, (T Result, bool Changed)> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        OwnerOnly.CreateDirectory(DataDirectory);
        using (WriteLock.Acquire(LockPath, LockTimeout))
        {
            var document = Load();
            var (result, changed) = change(document);
            if (changed)
            {
                Validate(document);
                WriteAtomically(document);
            }

            return result;
        }
    }

    /// <summary>The raw file bytes, or null when the file does not exist.</summary>
    internal byte[]? ReadBytes()
    {
        try
        {
            return File.ReadAllBytes(FilePath);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AccountsFileException($"{FilePath}: cannot read the accounts file: {ex.Message}", ex);
        }
    }

    /// <summary>Deserializes and validates file bytes (null = no file = empty document).</summary>
    internal AccountsDocument Parse(byte[]? bytes)
    {
        if (bytes is null)
        {
            return new AccountsDocument();
        }

        AccountsDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, DocumentJson);
        }
        catch (JsonException ex)
        {
            throw new AccountsFileException(
                $"{FilePath}: the accounts file is corrupt ({ex.Message}). Fix or restore it; FastMail will not overwrite it.", ex);
        }

        if (document is null)
        {
            throw new AccountsFileException($"{FilePath}: the accounts file is corrupt (it holds 'null', not an object).");
        }

        Validate(document);
        return document;
    }

    private void Validate(AccountsDocument document)
    {
        var problem = AccountsDocumentValidator.FindProblem(document, PrimaryDomain);
        if (problem is not null)
        {
            throw new AccountsFileException($"{FilePath}: {problem}");
        }
    }

    private void WriteAtomically(AccountsDocument document)
    {
        var temp = FilePath + TempSuffix;
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(document, DocumentJson);
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                // Hashes and APOP secrets: readable by the fastmail user only.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true); // the content is on disk before the name points at it
            }

            File.Move(temp, FilePath, overwrite: true); // rename(2): atomic replacement
            DirectorySync.Sync(DataDirectory);        // the rename itself survives power loss
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new AccountsFileException($"{FilePath}: cannot write the accounts file: {ex.Message}", ex);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The temp file is rewritten from scratch by the next save; leaving it is harmless.
        }
    }
}
