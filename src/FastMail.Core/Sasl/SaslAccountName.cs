using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace FastMail.Core.Sasl;

/// <summary>
/// The account name a client's first SASL response names (the authentication identity), so the login throttle counts
/// AUTH attempts per account as it does USER/PASS, with the same key in SMTP and POP3. Read the way the mechanism reads
/// it (SCRAM names unescaped). Best effort: null when the response is not readable (the SASL server rejects it anyway,
/// and the throttle then keys on the client address alone).
/// </summary>
public static class SaslAccountName
{
    /// <summary>The authentication identity in <paramref name="base64"/> (the first response, as sent), or null.</summary>
    public static string? Read(SaslMechanism mechanism, ReadOnlySpan<byte> base64)
    {
        if (base64.IsEmpty || base64.SequenceEqual("="u8) || base64.SequenceEqual("*"u8))
        {
            return null;
        }

        var decoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        var written = 0;
        try
        {
            if (Base64.DecodeFromUtf8(base64, decoded, out _, out written) != OperationStatus.Done)
            {
                return null;
            }

            var message = decoded.AsSpan(0, written);
            return mechanism switch
            {
                SaslMechanism.Plain => Text(Plain(message)),
                SaslMechanism.Login => Text(message), // the answer to "Username:"
                _ => Scram(message),
            };
        }
        finally
        {
            // A PLAIN response carries the password.
            CryptographicOperations.ZeroMemory(decoded.AsSpan(0, written));
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    /// <summary>RFC 4616 2: [authzid] NUL authcid NUL passwd.</summary>
    private static ReadOnlySpan<byte> Plain(ReadOnlySpan<byte> message)
    {
        var first = message.IndexOf((byte)0);
        if (first < 0)
        {
            return default;
        }

        var rest = message[(first + 1)..];
        var second = rest.IndexOf((byte)0);
        return second < 0 ? default : rest[..second];
    }

    /// <summary>RFC 5802 7: gs2-header ("n,," or "n,a=authzid,") then "n=" saslname ",r=" nonce.</summary>
    private static string? Scram(ReadOnlySpan<byte> message)
    {
        var first = message.IndexOf((byte)',');
        if (first < 0)
        {
            return null;
        }

        var afterFlag = message[(first + 1)..];
        var second = afterFlag.IndexOf((byte)',');
        if (second < 0)
        {
            return null;
        }

        var bare = afterFlag[(second + 1)..];
        if (!bare.StartsWith("n="u8))
        {
            return null;
        }

        var name = bare[2..];
        var end = name.IndexOf((byte)',');
        name = end < 0 ? name : name[..end];

        // RFC 5802 5.1: "," and "=" in a name are escaped as =2C and =3D; unescaped as the mechanism does.
        var unescaped = ArrayPool<byte>.Shared.Rent(name.Length);
        try
        {
            return ScramSyntax.TryUnescapeName(name, unescaped, out var length) ? Text(unescaped.AsSpan(0, length)) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(unescaped);
        }
    }

    private static string? Text(ReadOnlySpan<byte> name) => name.IsEmpty ? null : Encoding.UTF8.GetString(name);
}
