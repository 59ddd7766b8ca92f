using FastMail.Accounts.Authentication;
using FastMail.Accounts.Diagnostics;
using FastMail.Accounts.Lookup;
using FastMail.Accounts.Storage;
using FastMail.Core.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FastMail.Accounts;

/// <summary>
/// The server's view of accounts.json: users (shared and per-domain), local domains, aliases, password and APOP checks,
/// and the relay policy.
/// Thread-safe. It picks up changes the CLI makes while the server runs: once <see cref="AccountsOptions.ReloadCheckInterval"/>
/// has passed, the next lookup stats the file (one thread, the others go on with the current snapshot) and swaps in
/// a new immutable snapshot when the content changed. A file that turns corrupt is logged and the previous accounts stay.
/// </summary>
public sealed partial class AccountDirectory : IDirectory, IRelayPolicy
{
    private readonly AccountStore _store;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly AuthCache _authCache;
    private readonly PasswordHashingGate _hashing;
    private readonly string _dummyHash;
    private readonly long _reloadIntervalTicks;
    private readonly long _defaultQuotaBytes;
    private readonly string _postmaster;
    private readonly Lock _reloadLock = new();
    private volatile DirectorySnapshot _snapshot;
    private long _nextCheck;

    // Guarded by _reloadLock.
    private FileStamp _stamp;
    private bool _stampIsRacy;
    private byte[]? _lastBytes;

    /// <summary>
    /// Loads accounts.json from <see cref="AccountsOptions.DataDirectory"/> (a missing file means no users yet).
    /// Throws <see cref="ArgumentException"/> for bad options and <see cref="AccountsFileException"/> for a corrupt file:
    /// the server should not start on accounts it cannot read.
    /// </summary>
    public AccountDirectory(AccountsOptions options, ILogger<AccountDirectory>? logger = null)
        : this(options, logger, TimeProvider.System)
    {
    }

    internal AccountDirectory(AccountsOptions options, ILogger? logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        AccountNames.TryNormalizeDomain(options.PrimaryDomain, out var primaryDomain);
        PrimaryDomain = primaryDomain!;
        _store = new AccountStore(options.DataDirectory, PrimaryDomain);
        _logger = logger ?? NullLogger.Instance;
        _time = time;
        _authCache = new AuthCache(options.AuthCacheTtl, options.AuthCacheSize, time);
        _relay = RelaySettings.Create(options.AllowRelay, options.TrustedNetworks ?? []);
        _dummyHash = PasswordHasher.CreateDummy(options.Pbkdf2Iterations);
        _hashing = new PasswordHashingGate(options.PasswordHashingSlots > 0 ? options.PasswordHashingSlots : PasswordHashingGate.DefaultSlots);
        _defaultQuotaBytes = options.DefaultQuotaBytes;
        _postmaster = options.Postmaster;
        _reloadIntervalTicks = (long)(options.ReloadCheckInterval.TotalSeconds * time.TimestampFrequency);
        _snapshot = DirectorySnapshot.Build(new AccountsDocument(), PrimaryDomain, previous: null);
        lock (_reloadLock)
        {
            ReloadIfChangedLocked();
        }

        _nextCheck = time.GetTimestamp() + _reloadIntervalTicks;
    }

    /// <inheritdoc />
    public string PrimaryDomain { get; }

    /// <summary>The file this directory reads.</summary>
    public string FilePath => _store.FilePath;

    /// <summary>Logins answered from the auth cache since start (diagnostics).</summary>
    public long AuthCacheHits => _authCache.Hits;

    /// <summary>
    /// Checks the file now (e.g. on SIGHUP) and returns true when new accounts were loaded.
    /// Throws <see cref="AccountsFileException"/> when the file changed and is corrupt; the previous accounts stay in use.
    /// </summary>
    public bool ReloadIfChanged()
    {
        lock (_reloadLock)
        {
            return ReloadIfChangedLocked();
        }
    }

    /// <summary>The current snapshot, after a stat of the file when the reload interval has passed.</summary>
    private DirectorySnapshot Current
    {
        get
        {
            var now = _time.GetTimestamp();
            if (now >= Volatile.Read(ref _nextCheck) && _reloadLock.TryEnter())
            {
                try
                {
                    Volatile.Write(ref _nextCheck, now + _reloadIntervalTicks);
                    ReloadIfChangedLocked();
                }
                catch (Exception ex) when (ex is AccountsFileException or IOException or UnauthorizedAccessException)
                {
                    AccountsLog.ReloadFailed(_logger, ex);
                }
                finally
                {
                    _reloadLock.Exit();
                }
            }

            return _snapshot;
        }
    }

    private bool ReloadIfChangedLocked()
    {
        var stamp = FileStamp.Of(_store.FilePath);
        if (stamp == _stamp && !_stampIsRacy)
        {
            return false;
        }

        var bytes = _store.ReadBytes();
        _stamp = stamp;
        _stampIsRacy = stamp.IsRacy(DateTime.UtcNow);
        if (bytes.AsSpan().SequenceEqual(_lastBytes) && (bytes is null) == (_lastBytes is null))
        {
            return false;
        }

        // Remember the bytes before parsing: a corrupt file is reported once, not on every check until it is fixed.
        _lastBytes = bytes;
        var document = _store.Parse(bytes);
        var snapshot = DirectorySnapshot.Build(document, PrimaryDomain, _snapshot, _defaultQuotaBytes, _postmaster);
        _snapshot = snapshot;
        AccountsLog.Loaded(_logger, _store.FilePath, snapshot.UserCount, snapshot.DomainCount);
        return true;
    }
}
