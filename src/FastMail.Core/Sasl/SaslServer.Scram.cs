using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace FastMail.Core.Sasl;

/// <summary>
/// SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding. The exchange:
/// client-first → server-first (nonce, salt, iterations) → client-final (proof) → server-final "v=ServerSignature",
/// which is sent as one more challenge the client answers with an empty line: SMTP AUTH (RFC 4954 section 4) and
/// POP3 AUTH (RFC 5034 section 4) both carry the server's last data that way.
/// Unknown users get a salt derived from the name with a server secret and the configured fake iteration count, so
/// their server-first message looks like a real one and repeats across attempts; they fail at the proof like a wrong password.
/// SASLprep (RFC 4013) is not applied: user names are ASCII account names, and the stored PBKDF2 hash was made from the
/// password's UTF-8 bytes, so a non-ASCII password works only when the client's SASLprep leaves it unchanged.
/// </summary>
public sealed partial class SaslServer
{
    private byte[]? _scram;          // client-first-message, then server-first-message
    private int _gs2Length;
    private int _clientFirstLength;
    private int _serverFirstLength;
    private int _nonceLength;        // c-nonce + s-nonce, at offset 2 of server-first
    private byte[]? _storedKey;
    private byte[]? _serverKey;
    private string? _scramMailbox;

    private SaslStep ScramClientFirst(ReadOnlySpan<byte> message)
    {
        if (message.Length > ScramConstants.MaxMessageLength)
        {
            return Complete(SaslStatus.MalformedInput);
        }

        // gs2-header = gs2-cbind-flag "," [authzid] ","
        if (message.StartsWith("p="u8))
        {
            return Fail("e=channel-binding-not-supported"u8); // we advertise no -PLUS mechanism (RFC 5802 section 6)
        }

        // "n": the client does not support channel binding; "y": it does but thinks we do not. Both are fine here.
        if (message.Length < 3 || (message[0] != (byte)'n' && message[0] != (byte)'y') || message[1] != (byte)',')
        {
            return Complete(SaslStatus.MalformedInput);
        }

        var rest = message[2..];
        var authzid = ReadOnlySpan<byte>.Empty;
        if (rest.StartsWith("a="u8))
        {
            var end = rest.IndexOf((byte)',');
            if (end < 0)
            {
                return Complete(SaslStatus.MalformedInput);
            }

            authzid = rest[2..end];
            rest = rest[end..];
        }

        if (rest.IsEmpty || rest[0] != (byte)',')
        {
            return Complete(SaslStatus.MalformedInput);
        }

        var gs2Length = message.Length - rest.Length + 1;
        var bare = message[gs2Length..];

        // client-first-message-bare = [reserved-mext ","] username "," nonce ["," extensions]
        if (bare.StartsWith("m="u8))
        {
            return Fail("e=extensions-not-supported"u8); // RFC 5802 section 5.1: an unknown mandatory extension fails
        }

        var attributes = bare;
        if (!ScramSyntax.TryTakeAttribute(ref attributes, (byte)'n', out var escapedUser)
            || !ScramSyntax.TryTakeAttribute(ref attributes, (byte)'r', out var clientNonce, last: true)
            || !ScramSyntax.IsValidNonce(clientNonce)
            || !ScramSyntax.IsValidExtensionList(attributes, bare[^1]))
        {
            return Complete(SaslStatus.MalformedInput);
        }

        Span<byte> user = stackalloc byte[ScramConstants.MaxMessageLength];
        if (!ScramSyntax.TryUnescapeName(escapedUser, user, out var userLength))
        {
            return Complete(SaslStatus.MalformedInput);
        }

        user = user[..userLength];
        Span<byte> authorize = stackalloc byte[ScramConstants.MaxMessageLength];
        var authzLength = 0;
        if (!authzid.IsEmpty && !ScramSyntax.TryUnescapeName(authzid, authorize, out authzLength))
        {
            return Complete(SaslStatus.MalformedInput);
        }

        Span<byte> fakeSalt = stackalloc byte[16];
        scoped ReadOnlySpan<byte> salt;
        int iterations;
        if (_factory.Credentials.TryGetScramCredentials(user, out var credentials)
            && credentials.Iterations >= ScramConstants.MinimumIterations
            && credentials.Salt.Length <= ScramConstants.MaxSaltLength)
        {
            salt = credentials.Salt;
            iterations = credentials.Iterations;
            _storedKey = credentials.StoredKey;
            _serverKey = credentials.ServerKey;
            // An authorization identity may only name the same account (no proxy rights, as with PLAIN). A different
            // one fails at the proof, like a wrong password, so the answer never depends on which accounts exist.
            _scramMailbox = authzLength == 0 || _factory.Credentials.IsLoginOf(authorize[..authzLength], credentials.Mailbox)
                ? credentials.Mailbox
                : null;
        }
        else
        {
            FakeSalt(user, fakeSalt);
            salt = fakeSalt;
            iterations = _factory.Options.ScramFakeIterations;
            _storedKey = _factory.FakeStoredKey;
            _serverKey = _factory.FakeServerKey;
            _scramMailbox = null;
        }

        _scram ??= new byte[ScramConstants.MaxMessageLength + 1024];
        message.CopyTo(_scram);
        _gs2Length = gs2Length;
        _clientFirstLength = message.Length;

        // server-first-message = "r=" c-nonce s-nonce ",s=" salt ",i=" iteration-count
        var serverFirst = _scram.AsSpan(_clientFirstLength);
        var length = 0;
        Append(serverFirst, ref length, "r="u8);
        Append(serverFirst, ref length, clientNonce);
        length += WriteServerNonce(serverFirst[length..]);
        _nonceLength = length - 2;
        Append(serverFirst, ref length, ",s="u8);
        length += SaslBase64.Encode(salt, serverFirst[length..]);
        Append(serverFirst, ref length, ",i="u8);
        Utf8Formatter.TryFormat(iterations, serverFirst[length..], out var digits);
        length += digits;
        _serverFirstLength = length;

        _state = State.ScramClientFinal;
        return Continue(serverFirst[..length]);
    }

    private SaslStep ScramClientFinal(ReadOnlySpan<byte> message)
    {
        if (message.Length > ScramConstants.MaxMessageLength)
        {
            return Complete(SaslStatus.MalformedInput);
        }

        // client-final-message = channel-binding "," nonce ["," extensions] "," proof
        var attributes = message;
        if (!ScramSyntax.TryTakeAttribute(ref attributes, (byte)'c', out var channelBinding)
            || !ScramSyntax.TryTakeAttribute(ref attributes, (byte)'r', out var nonce))
        {
            return Complete(SaslStatus.MalformedInput);
        }

        var proofAt = message.LastIndexOf(",p="u8);
        if (proofAt < message.Length - attributes.Length - 1)
        {
            return Complete(SaslStatus.MalformedInput); // the proof must come last, after the nonce
        }

        Span<byte> proof = stackalloc byte[ScramCredentials.KeySize];
        if (!SaslBase64.TryDecode(message[(proofAt + 3)..], proof, out var proofLength) || proofLength != ScramCredentials.KeySize)
        {
            return Complete(SaslStatus.MalformedInput);
        }

        // Without channel binding, c= is the base64 of the gs2-header the client sent first (RFC 5802 section 7).
        Span<byte> header = stackalloc byte[ScramConstants.MaxMessageLength];
        if (!SaslBase64.TryDecode(channelBinding, header, out var headerLength))
        {
            return Complete(SaslStatus.MalformedInput);
        }

        var scram = _scram!;
        if (!header[..headerLength].SequenceEqual(scram.AsSpan(0, _gs2Length)))
        {
            return Fail("e=channel-bindings-dont-match"u8);
        }

        if (!nonce.SequenceEqual(scram.AsSpan(_clientFirstLength + 2, _nonceLength)))
        {
            return Complete(SaslStatus.Failed);
        }

        // AuthMessage = client-first-message-bare "," server-first-message "," client-final-message-without-proof
        var bare = scram.AsSpan(_gs2Length, _clientFirstLength - _gs2Length);
        var serverFirst = scram.AsSpan(_clientFirstLength, _serverFirstLength);
        var withoutProof = message[..proofAt];
        var authLength = bare.Length + 1 + serverFirst.Length + 1 + withoutProof.Length;
        var rented = ArrayPool<byte>.Shared.Rent(authLength);
        Span<byte> clientSignature = stackalloc byte[ScramCredentials.KeySize];
        Span<byte> serverSignature = stackalloc byte[ScramCredentials.KeySize];
        Span<byte> computedStoredKey = stackalloc byte[ScramCredentials.KeySize];
        bool valid;
        try
        {
            var authMessage = rented.AsSpan(0, authLength);
            var at = 0;
            Append(authMessage, ref at, bare);
            Append(authMessage, ref at, ","u8);
            Append(authMessage, ref at, serverFirst);
            Append(authMessage, ref at, ","u8);
            Append(authMessage, ref at, withoutProof);

            // ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage); valid when H(ClientKey) = StoredKey.
            HMACSHA256.HashData(_storedKey, authMessage, clientSignature);
            for (var i = 0; i < proof.Length; i++)
            {
                proof[i] ^= clientSignature[i];
            }

            SHA256.HashData(proof, computedStoredKey);
            valid = CryptographicOperations.FixedTimeEquals(computedStoredKey, _storedKey) & _scramMailbox is not null;
            HMACSHA256.HashData(_serverKey, authMessage, serverSignature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
            CryptographicOperations.ZeroMemory(proof);
        }

        if (!valid)
        {
            return Complete(SaslStatus.Failed);
        }

        // server-final-message = "v=" base64(ServerSignature)
        Span<byte> serverFinal = stackalloc byte[2 + SaslBase64.EncodedLength(ScramCredentials.KeySize)];
        "v="u8.CopyTo(serverFinal);
        var written = SaslBase64.Encode(serverSignature, serverFinal[2..]);
        _state = State.ScramAcknowledge;
        return Continue(serverFinal[..(2 + written)]);
    }

    private SaslStep ScramAcknowledge(ReadOnlySpan<byte> response)
    {
        // The client has checked v= and answers with an empty response; anything else breaks the protocol.
        var mailbox = _scramMailbox;
        return response.IsEmpty && mailbox is not null ? Complete(SaslStatus.Succeeded, mailbox) : Complete(SaslStatus.MalformedInput);
    }

    private void ResetScram()
    {
        _storedKey = null;
        _serverKey = null;
        _scramMailbox = null;
        _gs2Length = _clientFirstLength = _serverFirstLength = _nonceLength = 0;
    }

    /// <summary>A stable salt for an unknown user: HMAC(server secret, lower-case name), so retries see the same salt.</summary>
    private void FakeSalt(ReadOnlySpan<byte> user, Span<byte> salt)
    {
        Span<byte> lower = stackalloc byte[user.Length];
        for (var i = 0; i < user.Length; i++)
        {
            var c = user[i];
            lower[i] = c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c | 0x20) : c;
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_factory.FakeSaltKey, lower, mac);
        mac[..salt.Length].CopyTo(salt);
    }

    private int WriteServerNonce(Span<byte> destination)
    {
        if (_factory.Options.ServerNonceFactory is { } fixedNonce)
        {
            return Encoding.ASCII.GetBytes(fixedNonce(), destination);
        }

        Span<byte> random = stackalloc byte[ScramConstants.ServerNonceBytes];
        RandomNumberGenerator.Fill(random);
        return SaslBase64.Encode(random, destination);
    }

    private static void Append(Span<byte> destination, ref int length, ReadOnlySpan<byte> data)
    {
        data.CopyTo(destination[length..]);
        length += data.Length;
    }
}
