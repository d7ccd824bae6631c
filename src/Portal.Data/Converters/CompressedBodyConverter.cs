using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Data.Converters;

/// <summary>
/// Entities see the raw body; the column holds it compressed (<see cref="BodyCompression"/>). A body that cannot be
/// decompressed is handed over as stored rather than failing the whole query it is part of: it then no longer
/// matches its <c>BodySha256</c>, which is how the processor tells corruption from a body and sets that row aside.
/// </summary>
internal sealed class CompressedBodyConverter() : ValueConverter<byte[], byte[]>(
    body => BodyCompression.Compress(body),
    stored => Read(stored))
{
    private static byte[] Read(byte[] stored) => BodyCompression.TryDecompress(stored, out var body) ? body : stored;
}
