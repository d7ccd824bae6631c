using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.SentryPlatform;

namespace Portal.Tests.SentryPlatform;

public sealed class SentrySignatureTests
{
    private const string VectorSecret = "sentry-test-client-secret";

    // reliability.md Appendix 2: V1 as Sentry emits it (é escaped), V2 the same JSON with raw UTF-8 bytes.
    private const string V1 = "{\"action\":\"created\",\"installation\":{\"uuid\":\"a8e5d37a-696c-4c54-adb5-b3f28d64c7de\"},\"data\":{\"issue\":{\"id\":\"100\",\"title\":\"ZeroDivisionError: caf\\u00e9 <script>alert(1)</script>\"}},\"actor\":{\"type\":\"application\",\"id\":\"sentry\",\"name\":\"Sentry\"}}";
    private const string V1Signature = "9ce79f991a8b2f6c4c7a14df8e15785b65d5424495e92ea3d60566e8ab7998ca";
    private const string V2Signature = "b05513d3e6112cafada3cfd8eca748ca756375a574b56a1c6990eb6156b1f5f0";

    private static readonly byte[] V1Bytes = Encoding.ASCII.GetBytes(V1);
    private static readonly byte[] V2Bytes = Encoding.UTF8.GetBytes(V1.Replace("\\u00e9", "é", StringComparison.Ordinal));

    private static byte[][] Keys(string secret) => [Encoding.UTF8.GetBytes(secret)];

    [Fact]
    public void The_appendix_vectors_verify_over_their_exact_bytes()
    {
        Assert.Equal(239, V1Bytes.Length);
        Assert.Equal(235, V2Bytes.Length);

        Assert.Equal(SignatureCheck.Valid, SentrySignature.Check(V1Bytes, V1Signature, Keys(VectorSecret)));
        Assert.Equal(SignatureCheck.Valid, SentrySignature.Check(V2Bytes, V2Signature, Keys(VectorSecret)));
    }

    [Fact]
    public void The_signature_of_one_encoding_does_not_verify_the_other()
    {
        Assert.Equal(SignatureCheck.Mismatch, SentrySignature.Check(V2Bytes, V1Signature, Keys(VectorSecret)));
        Assert.Equal(SignatureCheck.Mismatch, SentrySignature.Check(V1Bytes, V2Signature, Keys(VectorSecret)));
    }

    [Fact]
    public void The_select_options_signature_is_the_hmac_of_an_empty_body()
    {
        Assert.Equal(SignatureCheck.Valid, SentrySignature.Check([], "ee812637a3406f273b5a559320c3cc064a98d0ffefb5c754350a5e0e7a71d25c", Keys(VectorSecret)));
        Assert.Equal(SignatureCheck.Valid, SentrySignature.Check([], "49a3b25a87aece0643046e7f78fed5b47e1090dabf19c2124daaebacfdaf55b5", Keys("sentry-sample-client-secret")));
    }

    [Fact]
    public void Githubs_published_vector_verifies()
    {
        Assert.Equal(
            SignatureCheck.Valid,
            SentrySignature.Check("Hello, World!"u8, "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", Keys("It's a Secret to Everybody")));
    }

    [Theory]
    [InlineData(null, SignatureCheck.Missing)]
    [InlineData("", SignatureCheck.Missing)]
    [InlineData("9ce79f991a8b2f6c4c7a14df8e15785b65d5424495e92ea3d60566e8ab7998c", SignatureCheck.Malformed)]
    [InlineData("9ce79f991a8b2f6c4c7a14df8e15785b65d5424495e92ea3d60566e8ab7998ca0", SignatureCheck.Malformed)]
    [InlineData("9ce79f991a8b2f6c4c7a14df8e15785b65d5424495e92ea3d60566e8ab7998cg", SignatureCheck.Malformed)]
    [InlineData(" ce79f991a8b2f6c4c7a14df8e15785b65d5424495e92ea3d60566e8ab7998ca", SignatureCheck.Malformed)]
    [InlineData("9ce79f991a8b2f6c4c7a14df8e15785b65d5424495e92ea3d60566e8ab7998ca,9ce79f991a8b2f6c4c7a14df8e15785b65d5424495e92ea3d60566e8ab7998ca", SignatureCheck.Malformed)]
    [InlineData("9CE79F991A8B2F6C4C7A14DF8E15785B65D5424495E92EA3D60566E8AB7998CA", SignatureCheck.Valid)]
    [InlineData("0ce79f991a8b2f6c4c7a14df8e15785b65d5424495e92ea3d60566e8ab7998ca", SignatureCheck.Mismatch)]
    public void The_header_must_be_exactly_64_hex_digits_of_the_right_mac(string? header, SignatureCheck expected)
    {
        Assert.Equal(expected, SentrySignature.Check(V1Bytes, header, Keys(VectorSecret)));
    }

    [Fact]
    public void No_mutation_of_a_signed_body_or_its_signature_is_accepted_over_ten_thousand_random_cases()
    {
        var random = new Random(20261127);
        var keys = Keys(VectorSecret);
        for (var i = 0; i < 10_000; i++)
        {
            var body = new byte[random.Next(0, 4096)];
            random.NextBytes(body);
            var signature = SentrySignature.Compute(body, keys[0]);
            Assert.Equal(SignatureCheck.Valid, SentrySignature.Check(body, signature, keys));

            var (mutatedBody, mutatedSignature, accepted) = Mutate(random, body, signature);

            var check = SentrySignature.Check(mutatedBody, mutatedSignature, keys);
            Assert.True(accepted == (check == SignatureCheck.Valid), $"case {i}: {check} for mutation of a {body.Length}-byte body");
        }
    }

    [Fact]
    public void During_a_rotation_the_previous_secret_is_accepted_until_it_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = Options.Create(new SentryOptions
        {
            ClientSecret = "new-secret",
            PreviousClientSecret = "old-secret",
            PreviousClientSecretExpiresAt = time.GetUtcNow().AddHours(24),
        });
        var keys = new SentrySigningKeys(options, time);
        var signedWithOld = SentrySignature.Compute(V1Bytes, Encoding.UTF8.GetBytes("old-secret"));
        var signedWithNew = SentrySignature.Compute(V1Bytes, Encoding.UTF8.GetBytes("new-secret"));

        Assert.Equal(SignatureCheck.Valid, SentrySignature.Check(V1Bytes, signedWithOld, keys.Active()));
        Assert.Equal(SignatureCheck.Valid, SentrySignature.Check(V1Bytes, signedWithNew, keys.Active()));
        time.Advance(TimeSpan.FromHours(24));
        Assert.Equal(SignatureCheck.Mismatch, SentrySignature.Check(V1Bytes, signedWithOld, keys.Active()));
        Assert.Equal(SignatureCheck.Valid, SentrySignature.Check(V1Bytes, signedWithNew, keys.Active()));
    }

    private static (byte[] Body, string Signature, bool Accepted) Mutate(Random random, byte[] body, string signature)
    {
        switch (random.Next(9))
        {
            case 0 when body.Length > 0:
                var flipped = (byte[])body.Clone();
                flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                return (flipped, signature, false);
            case 1:
                var position = random.Next(signature.Length);
                var nibble = signature[position] == '0' ? '1' : '0';
                return (body, string.Concat(signature.AsSpan(0, position), new string(nibble, 1), signature.AsSpan(position + 1)), false);
            case 2 when body.Length > 0:
                return (body[..^1], signature, false);
            case 3:
                return ([.. body, (byte)random.Next(256)], signature, false);
            case 4:
                return (body, signature.ToUpperInvariant(), true);
            case 5:
                return (body, " " + signature, false);
            case 6:
                return (body, SentrySignature.Compute(body, Encoding.UTF8.GetBytes("another-secret")), false);
            case 7:
                return (body, random.Next(2) == 0 ? signature[..63] : signature + "0", false);
            default:
                return (body, string.Concat(signature.AsSpan(0, 63), "x"), false);
        }
    }
}
