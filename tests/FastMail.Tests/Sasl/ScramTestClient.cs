using System.Security.Cryptography;
using System.Text;

namespace FastMail.Tests.Sasl;

/// <summary>The client side of SCRAM-SHA-256 (RFC 5802 section 3), written independently of the server to check it.</summary>
internal sealed class ScramTestClient(string user, string password, string? clientNonce = null, string gs2Header = "n,,")
{
    private readonly string _clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    private string _clientFirstBare = "";
    private byte[] _authMessageServerSignature = [];

    public string ClientFirst()
    {
        _clientFirstBare = $"n={user.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal)},r={_clientNonce}";
        return gs2Header + _clientFirstBare;
    }

    /// <summary>The client-final message for a server-first message; remembers the server signature to expect.</summary>
    public string ClientFinal(string serverFirst)
    {
        var attributes = serverFirst.Split(',');
        var nonce = attributes[0][2..];
        var salt = Convert.FromBase64String(attributes[1][2..]);
        var iterations = int.Parse(attributes[2][2..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith(_clientNonce, nonce, StringComparison.Ordinal);

        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8.ToArray());
        var storedKey = SHA256.HashData(clientKey);
        var withoutProof = $"c={Convert.ToBase64String(Encoding.ASCII.GetBytes(gs2Header))},r={nonce}";
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{serverFirst},{withoutProof}");
        var clientSignature = HMACSHA256.HashData(storedKey, authMessage);
        var proof = new byte[32];
        for (var i = 0; i < proof.Length; i++)
        {
            proof[i] = (byte)(clientKey[i] ^ clientSignature[i]);
        }

        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8.ToArray());
        _authMessageServerSignature = HMACSHA256.HashData(serverKey, authMessage);
        return $"{withoutProof},p={Convert.ToBase64String(proof)}";
    }

    public string ExpectedServerFinal => "v=" + Convert.ToBase64String(_authMessageServerSignature);
}
