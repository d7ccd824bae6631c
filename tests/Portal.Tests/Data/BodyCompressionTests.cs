using System.Text;
using Portal.Data.Converters;

namespace Portal.Tests.Data;

public sealed class BodyCompressionTests
{
    public static TheoryData<string> SampleFiles =>
        [.. Directory.GetFiles(RepoPaths.Samples, "*.json").Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Every_sample_comes_back_byte_for_byte_and_smaller(string file)
    {
        var body = File.ReadAllBytes(Path.Combine(RepoPaths.Samples, file));

        var stored = BodyCompression.Compress(body);

        Assert.Equal(body, BodyCompression.Decompress(stored));
        Assert.True(stored.Length < body.Length, $"{stored.Length} ≥ {body.Length}");
    }

    [Fact]
    public void Bodies_that_do_not_compress_and_empty_bodies_are_kept_as_they_are()
    {
        var random = new byte[4096];
        new Random(3).NextBytes(random);
        var tiny = Encoding.ASCII.GetBytes("{}");

        Assert.Equal(random, BodyCompression.Decompress(BodyCompression.Compress(random)));
        Assert.Equal(tiny, BodyCompression.Decompress(BodyCompression.Compress(tiny)));
        Assert.Empty(BodyCompression.Decompress(BodyCompression.Compress([])));
        Assert.Equal(random.Length + 1, BodyCompression.Compress(random).Length);
    }

    [Fact]
    public void A_corrupt_stored_body_is_reported_not_returned()
    {
        var stored = BodyCompression.Compress(File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "webhook.error.created.json")));
        stored[^3] ^= 0xFF;

        Assert.Throws<InvalidDataException>(() => BodyCompression.Decompress(stored));
    }

    [Theory]
    [InlineData(new byte[] { 1 })]
    [InlineData(new byte[] { 1, 255, 255, 255, 127, 0 })]
    [InlineData(new byte[] { 7, 1, 2, 3 })]
    public void Bytes_this_class_did_not_write_are_not_a_body(byte[] stored)
    {
        Assert.False(BodyCompression.TryDecompress(stored, out _));
    }
}
