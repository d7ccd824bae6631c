using System.Buffers.Binary;
using System.IO.Compression;

namespace Portal.Data.Converters;

/// <summary>
/// How raw bodies are kept on disk: Brotli at its fastest level (Sentry's JSON shrinks about four-fold), so each
/// delivery writes a few hundred bytes to the WAL and the database instead of kilobytes — under load the disk's
/// write bandwidth, not the CPU, limits ingest. Lossless: <see cref="Decompress"/> returns the exact bytes Sentry
/// signed. Layout: one format byte, then either the bytes as they are or their length and the Brotli stream.
/// </summary>
public static class BodyCompression
{
    private const byte Stored = 0;
    private const byte Brotli = 1;
    private const int HeaderLength = 1 + sizeof(int);

    /// <summary>Far above any body the portal accepts; a larger length can only be corruption.</summary>
    private const int MaxBodyLength = 64 * 1024 * 1024;

    public static byte[] Compress(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var buffer = new byte[HeaderLength + BrotliEncoder.GetMaxCompressedLength(body.Length)];
        if (body.Length > 64
            && BrotliEncoder.TryCompress(body, buffer.AsSpan(HeaderLength), out var written, quality: 1, window: 22)
            && written + HeaderLength < body.Length)
        {
            buffer[0] = Brotli;
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(1), body.Length);
            return buffer[..(HeaderLength + written)];
        }

        var stored = new byte[body.Length + 1];
        stored[0] = Stored;
        body.CopyTo(stored, 1);
        return stored;
    }

    public static byte[] Decompress(byte[] stored) =>
        TryDecompress(stored, out var body) ? body : throw new InvalidDataException("A stored delivery body is corrupt.");

    /// <summary>False when the stored bytes are not a body this class wrote (corruption on disk).</summary>
    public static bool TryDecompress(byte[] stored, out byte[] body)
    {
        ArgumentNullException.ThrowIfNull(stored);
        body = [];
        if (stored.Length == 0)
        {
            return true;
        }

        if (stored[0] == Stored)
        {
            body = stored[1..];
            return true;
        }

        if (stored[0] != Brotli || stored.Length < HeaderLength || BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(1)) is not (>= 0 and <= MaxBodyLength))
        {
            return false;
        }

        body = new byte[BinaryPrimitives.ReadInt32LittleEndian(stored.AsSpan(1))];
        return BrotliDecoder.TryDecompress(stored.AsSpan(HeaderLength), body, out var written) && written == body.Length;
    }
}
