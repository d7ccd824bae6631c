using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Portal.Scaleout;

/// <summary>
/// The wire format of a message between instances, version 1:
/// <c>{"v":1,"from":"&lt;instance id&gt;","seq":&lt;n&gt;,"body":…}</c> in exactly that order, the body in
/// System.Text.Json's web style with enums by name. The sender comes first, so an instance drops its own messages
/// without reading further; <c>seq</c> counts the sender's messages on the channel from 1, so a receiver knows when
/// some were lost on the way.
/// </summary>
public static class InstanceEnvelope
{
    public const int Version = 1;

    /// <summary>Web naming, enums by name: what the hub's clients already read.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateOptions();

    public static byte[] Write<T>(T body, string from, long sequence)
    {
        ArgumentNullException.ThrowIfNull(from);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", Version);
            writer.WriteString("from", from);
            writer.WriteNumber("seq", sequence);
            writer.WritePropertyName("body");
            JsonSerializer.Serialize(writer, body, TypeInfo<T>());
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads a message; <paramref name="read"/> is set only for <see cref="EnvelopeRead.Accepted"/>. Messages from
    /// <paramref name="self"/> are <see cref="EnvelopeRead.Echo"/>.
    /// </summary>
    public static EnvelopeRead TryRead<T>(ReadOnlySpan<byte> message, string self, out InstanceMessage<T> read)
    {
        read = default;
        try
        {
            var reader = new Utf8JsonReader(message);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
                || !reader.Read() || !reader.ValueTextEquals("v")
                || !reader.Read() || reader.TokenType != JsonTokenType.Number)
            {
                return EnvelopeRead.Malformed;
            }

            if (!reader.TryGetInt32(out var version) || version != Version)
            {
                return EnvelopeRead.UnknownVersion;
            }

            if (!reader.Read() || !reader.ValueTextEquals("from") || !reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return EnvelopeRead.Malformed;
            }

            if (reader.ValueTextEquals(self))
            {
                return EnvelopeRead.Echo;
            }

            var from = reader.GetString()!;
            if (!reader.Read() || !reader.ValueTextEquals("seq") || !reader.Read() || reader.TokenType != JsonTokenType.Number
                || !reader.TryGetInt64(out var sequence) || sequence < 1
                || !reader.Read() || !reader.ValueTextEquals("body") || !reader.Read())
            {
                return EnvelopeRead.Malformed;
            }

            var body = JsonSerializer.Deserialize(ref reader, TypeInfo<T>());
            if (body is null || !reader.Read() || reader.TokenType != JsonTokenType.EndObject)
            {
                return EnvelopeRead.Malformed;
            }

            read = new InstanceMessage<T>(from, sequence, body);
            return EnvelopeRead.Accepted;
        }
        catch (JsonException)
        {
            return EnvelopeRead.Malformed;
        }
    }

    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)SerializerOptions.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly();
        return options;
    }
}
