using System.Security.Cryptography;

namespace SetHub.Bench.Limits;

/// <summary>Rows like the hub's queued SETs: tenant, stream, jti and a signed SET of about 700 bytes.</summary>
public static class InsertRows
{
    public const int BatchSize = 100;

    /// <summary>One batch of fresh rows (fresh keys, so every insert is a real insert).</summary>
    public static (string[] Streams, string[] Jtis, string[] Bodies) Batch()
    {
        var streams = new string[BatchSize];
        var jtis = new string[BatchSize];
        var bodies = new string[BatchSize];
        for (var i = 0; i < BatchSize; i++)
        {
            streams[i] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            jtis[i] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(13));
            bodies[i] = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(525)); // 700 characters
        }

        return (streams, jtis, bodies);
    }
}
