using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using FastMail.Core.Sasl;

namespace FastMail.Pop3.Session;

/// <summary>
/// The account name a client's first SASL response names, so the login throttle can count AUTH attempts per account
/// as it does for USER/PASS. Best effort: null when the response is not readable (the SASL server rejects it anyway).
/// </summary>
internal static class SaslAccountName
{
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
                SaslMechanism.Plain => Plain(message),
                SaslMechanism.Login => Text(message),
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
    private static string? Plain(ReadOnlySpan<byte> message)
    {
        var first = message.IndexOf((byte)0);
        if (first < 0)
        {
            return null;
        }

        var rest = message[(first + 1)..];
        var second = rest.IndexOf((byte)0);
        return second < 0 ? null : Text(rest[..second]);
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
        var text = Text(end < 0 ? name : name[..end]);

        // RFC 5802 5.1: "," and "=" in a name are escaped as =2C and =3D.
        return text?.Replace("=2C", ",", StringComparison.OrdinalIgnoreCase).Replace("=3D", "=", StringComparison.OrdinalIgnoreCase);
    }

    private static string? Text(ReadOnlySpan<byte> name) => name.IsEmpty ? null : Encoding.UTF8.GetString(name);
}
