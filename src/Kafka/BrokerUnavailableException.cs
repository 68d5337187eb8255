namespace StreamJepa.Kafka;

/// <summary>The broker took none of the messages in flight: what the circuit breaker counts as a failure.</summary>
public sealed class BrokerUnavailableException(string message) : Exception(message);
