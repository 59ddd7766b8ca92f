using System.Security.Cryptography;
using FastMail.Core.Services;

namespace FastMail.Core.Sasl;

/// <summary>
/// Shared, thread-safe configuration of the SASL server: the credentials, the enabled mechanisms and the secret that
/// makes fake SCRAM salts for unknown users stable. One per server; <see cref="Create"/> one <see cref="SaslServer"/> per session.
/// </summary>
public sealed class SaslServerFactory
{
    private readonly bool[] _enabled = new bool[3];
    private readonly byte[] _mechanismNames;

    public SaslServerFactory(ISaslCredentials credentials, SaslServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        options ??= new SaslServerOptions();
        options.Validate();
        Credentials = credentials;
        Options = options;

        var names = new List<byte>();
        foreach (var mechanism in options.Mechanisms)
        {
            if (_enabled[(int)mechanism])
            {
                continue;
            }

            _enabled[(int)mechanism] = true;
            if (names.Count > 0)
            {
                names.Add((byte)' ');
            }

            names.AddRange(SaslMechanismNames.Of(mechanism));
        }

        _mechanismNames = [.. names];
        FakeSaltKey = RandomNumberGenerator.GetBytes(32);
        FakeStoredKey = RandomNumberGenerator.GetBytes(ScramCredentials.KeySize);
        FakeServerKey = RandomNumberGenerator.GetBytes(ScramCredentials.KeySize);
    }

    /// <summary>The enabled mechanism names separated by spaces ("PLAIN LOGIN SCRAM-SHA-256"), for EHLO AUTH and CAPA SASL.</summary>
    public ReadOnlyMemory<byte> MechanismNames => _mechanismNames;

    /// <summary>
    /// The longest AUTH command or SASL response line a protocol should accept, CRLF included: the longest client
    /// response (<see cref="SaslServerOptions.MaxResponseLength"/>, base64) plus room for "AUTH SCRAM-SHA-256 " and CRLF.
    /// SMTP and POP3 size their AUTH line limit from this, so the two limits cannot drift apart.
    /// </summary>
    public int MaxAuthLineLength => Options.MaxResponseLength + 64;

    internal ISaslCredentials Credentials { get; }

    internal SaslServerOptions Options { get; }

    internal byte[] FakeSaltKey { get; }

    internal byte[] FakeStoredKey { get; }

    internal byte[] FakeServerKey { get; }

    public bool IsEnabled(SaslMechanism mechanism) => (uint)mechanism < (uint)_enabled.Length && _enabled[(int)mechanism];

    /// <summary>A server for one session; reuse it for later AUTH commands of the same session.</summary>
    public SaslServer Create() => new(this);
}
