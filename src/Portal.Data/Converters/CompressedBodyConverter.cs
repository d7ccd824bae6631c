using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Data.Converters;

/// <summary>Entities see the raw body; the column holds it compressed (<see cref="BodyCompression"/>).</summary>
internal sealed class CompressedBodyConverter() : ValueConverter<byte[], byte[]>(
    body => BodyCompression.Compress(body),
    stored => BodyCompression.Decompress(stored));
