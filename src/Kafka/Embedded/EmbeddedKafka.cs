using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace StreamJepa.Kafka.Embedded;

/// <summary>
/// A Kafka broker on loopback that speaks the real wire protocol: librdkafka's mock cluster, started inside this
/// process. It is the default when no bootstrap servers are configured, and what the tests run against. It keeps
/// only a few MB per partition and nothing on disk: a development broker, not a store.
/// </summary>
public sealed class EmbeddedKafka : IDisposable
{
    private readonly Lock _gate = new();
    private IntPtr _client;
    private IntPtr _cluster;

    private EmbeddedKafka(IntPtr client, IntPtr cluster, int brokers)
    {
        _client = client;
        _cluster = cluster;
        Brokers = brokers;
        BootstrapServers = Marshal.PtrToStringUTF8(RdKafkaNative.MockClusterBootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster gave no bootstrap address.");
    }

    /// <summary>host:port,… of the brokers.</summary>
    public string BootstrapServers { get; }

    public int Brokers { get; }

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers (ids 1..N) on loopback ports chosen by the OS.</summary>
    public static EmbeddedKafka Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        RdKafkaNative.EnsureLoaded();
        var errors = new byte[512];
        var conf = RdKafkaNative.ConfNew();
        if (RdKafkaNative.ConfSet(conf, "log_level", "3", errors, (nuint)errors.Length) != 0)
        {
            RdKafkaNative.ConfDestroy(conf);
            throw new KafkaException(new Error(ErrorCode.Local_Fatal, Text(errors)));
        }

        var client = RdKafkaNative.New(0, conf, errors, (nuint)errors.Length);
        if (client == IntPtr.Zero)
        {
            RdKafkaNative.ConfDestroy(conf);
            throw new KafkaException(new Error(ErrorCode.Local_Fatal, $"could not create the embedded broker's client: {Text(errors)}"));
        }

        var cluster = RdKafkaNative.MockClusterNew(client, brokers);
        if (cluster == IntPtr.Zero)
        {
            RdKafkaNative.Destroy(client);
            throw new KafkaException(new Error(ErrorCode.Local_Fatal, "librdkafka could not start the embedded broker"));
        }

        return new EmbeddedKafka(client, cluster, brokers);
    }

    /// <summary>Creates a topic (topics are otherwise created on first use with one partition).</summary>
    public void CreateTopic(string name, int partitions = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Check(RdKafkaNative.MockTopicCreate(Cluster(), name, partitions, 1), $"create topic {name}");
    }

    /// <summary>Disconnects a broker and refuses new connections until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId) => Check(RdKafkaNative.MockBrokerSetDown(Cluster(), brokerId), $"set broker {brokerId} down");

    public void SetBrokerUp(int brokerId) => Check(RdKafkaNative.MockBrokerSetUp(Cluster(), brokerId), $"set broker {brokerId} up");

    public void SetAllBrokersDown()
    {
        for (var id = 1; id <= Brokers; id++)
        {
            SetBrokerDown(id);
        }
    }

    public void SetAllBrokersUp()
    {
        for (var id = 1; id <= Brokers; id++)
        {
            SetBrokerUp(id);
        }
    }

    /// <summary>Adds a round-trip delay to every request a broker answers.</summary>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt) =>
        Check(RdKafkaNative.MockBrokerSetRtt(Cluster(), brokerId, (int)rtt.TotalMilliseconds), $"set broker {brokerId} rtt");

    /// <summary>The next requests of <paramref name="apiKey"/> (0 = Produce) fail with these errors, in turn.</summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        var codes = errors.Select(e => (int)e).ToArray();
        RdKafkaNative.MockPushRequestErrors(Cluster(), apiKey, (nuint)codes.Length, codes);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != IntPtr.Zero)
            {
                RdKafkaNative.MockClusterDestroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_client != IntPtr.Zero)
            {
                RdKafkaNative.Destroy(_client);
                _client = IntPtr.Zero;
            }
        }
    }

    private static string Text(byte[] errors) => Encoding.UTF8.GetString(errors, 0, Math.Max(0, Array.IndexOf(errors, (byte)0)));

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new KafkaException(new Error((ErrorCode)error, $"embedded broker: {what}: {RdKafkaNative.Describe(error)}"));
        }
    }

    private IntPtr Cluster()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            return _cluster;
        }
    }
}
