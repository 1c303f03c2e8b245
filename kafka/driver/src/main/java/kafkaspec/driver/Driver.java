package kafkaspec.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The harness's hands on a running Kafka cluster, through Kafka's own client library: one JSON
 * object per line on stdin, one JSON object per line on stdout answering it ({"ok":true,...} or
 * {"ok":false,"error":CLASS,"message":...}). Commands (field "op"):
 *   create     topic, replicas [broker ids, first is the preferred leader], configs {name: value}
 *   describe   topic -> leader (-1: none), isr, elr, lastKnownElr, replicas (Admin describeTopics)
 *   offsets    topic -> earliest, latest (ListOffsets under read_uncommitted: the leader's high
 *              watermark), latestEpoch (the leader epoch ListOffsets returns with it)
 *   produce    topic, value, acks ("all"|"1"|"0"), idempotence -> id; the send completes in the
 *              background (retried only when refused unappended, as the model's producer sends
 *              each value once)
 *   acks       -> results [{id, value, offset, error}] completed so far, pending
 *   consume    topic, from (optional: seek), timeoutMs -> records [{offset, value, leaderEpoch}]
 *              (one assigned consumer, max.poll.records=1; it validates its position after a leader
 *              change as the client always does since KIP-320)
 *   brokers    -> ids of the brokers the cluster lists (registered and unfenced: Admin describeCluster)
 *   elect      topic, type ("PREFERRED"|"UNCLEAN") -> Admin electLeaders
 *   quit
 */
public final class Driver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String bootstrap;
  private final Admin admin;
  private final Map<String, KafkaProducer<String, String>> producers = new HashMap<>();
  private final ExecutorService sender = Executors.newSingleThreadExecutor();
  private final List<ObjectNode> completed = new ArrayList<>();
  private int nextId = 0;
  private int pending = 0;
  private KafkaConsumer<String, String> consumer;

  private Driver(String bootstrap) {
    this.bootstrap = bootstrap;
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("request.timeout.ms", "3000");
    p.put("default.api.timeout.ms", "5000");
    p.put("retry.backoff.ms", "100");
    this.admin = Admin.create(p);
  }

  public static void main(String[] args) throws Exception {
    Driver d = new Driver(args[0]);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      ObjectNode out;
      JsonNode cmd = null;
      try {
        cmd = JSON.readTree(line);
        if ("quit".equals(cmd.path("op").asText())) break;
        out = d.handle(cmd);
        out.put("ok", true);
      } catch (Throwable t) {
        Throwable c = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
        out = JSON.createObjectNode();
        out.put("ok", false);
        out.put("error", c.getClass().getName());
        out.put("message", String.valueOf(c.getMessage()));
      }
      if (cmd != null && cmd.has("seq")) out.set("seq", cmd.get("seq"));
      System.out.println(JSON.writeValueAsString(out));
      System.out.flush();
    }
    d.close();
  }

  private ObjectNode handle(JsonNode c) throws Exception {
    String op = c.path("op").asText();
    String topic = c.path("topic").asText("t");
    switch (op) {
      case "create": return create(topic, c);
      case "describe": return describe(topic);
      case "offsets": return offsets(topic);
      case "produce": return produce(topic, c);
      case "acks": return acks();
      case "consume": return consume(topic, c);
      case "elect": return elect(topic, c.path("type").asText("PREFERRED"));
      case "brokers": return brokers();
      default: throw new IllegalArgumentException("unknown op '" + op + "'");
    }
  }

  private ObjectNode create(String topic, JsonNode c) throws Exception {
    List<Integer> replicas = new ArrayList<>();
    c.path("replicas").forEach(r -> replicas.add(r.asInt()));
    Map<String, String> configs = new HashMap<>();
    c.path("configs").fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText()));
    NewTopic t = new NewTopic(topic, Map.of(0, replicas)).configs(configs);
    admin.createTopics(List.of(t)).all().get();
    return JSON.createObjectNode();
  }

  private static ArrayNode ids(List<Node> nodes) {
    ArrayNode a = JSON.createArrayNode();
    for (Node n : nodes) a.add(n.id());
    return a;
  }

  private ObjectNode describe(String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    TopicPartitionInfo p = d.partitions().get(0);
    ObjectNode o = JSON.createObjectNode();
    o.put("leader", p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id());
    o.set("isr", ids(p.isr()));
    o.set("elr", ids(p.elr()));
    o.set("lastKnownElr", ids(p.lastKnownElr()));
    o.set("replicas", ids(p.replicas()));
    return o;
  }

  private ObjectNode offsets(String topic) throws Exception {
    TopicPartition tp = new TopicPartition(topic, 0);
    ListOffsetsResultInfo e = admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get();
    ListOffsetsResultInfo l = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get();
    ObjectNode o = JSON.createObjectNode();
    o.put("earliest", e.offset());
    o.put("latest", l.offset());
    o.put("latestEpoch", l.leaderEpoch().orElse(-1));
    return o;
  }

  private KafkaProducer<String, String> producer(String acks, boolean idempotence) {
    return producers.computeIfAbsent(acks + "/" + idempotence, k -> {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("acks", acks);
      p.put("enable.idempotence", String.valueOf(idempotence));
      // A send refused before anything is appended (NOT_LEADER_OR_FOLLOWER: the producer's metadata
      // names the old leader) is retried at the leader the refreshed metadata names, as the model's
      // producer sends to the broker it names; no retry follows a timeout (request.timeout.ms is
      // the whole delivery.timeout.ms), so nothing is appended twice.
      p.put("retries", idempotence ? "2147483647" : "5");
      p.put("retry.backoff.ms", "100");
      p.put("linger.ms", "0");
      p.put("request.timeout.ms", "10000");
      p.put("delivery.timeout.ms", "10000");
      p.put("max.block.ms", "5000");
      p.put("max.in.flight.requests.per.connection", "1");
      p.put("key.serializer", StringSerializer.class.getName());
      p.put("value.serializer", StringSerializer.class.getName());
      return new KafkaProducer<>(p);
    });
  }

  private ObjectNode produce(String topic, JsonNode c) {
    int id = nextId++;
    String value = c.path("value").asText();
    KafkaProducer<String, String> p = producer(c.path("acks").asText("all"), c.path("idempotence").asBoolean(false));
    synchronized (completed) { pending++; }
    sender.submit(() -> {
      try {
        p.send(new ProducerRecord<>(topic, 0, null, value), (md, ex) -> done(id, value, md == null || ex != null ? -1 : md.offset(), ex));
      } catch (Throwable t) {
        done(id, value, -1, t);
      }
    });
    ObjectNode o = JSON.createObjectNode();
    o.put("id", id);
    return o;
  }

  private void done(int id, String value, long offset, Throwable ex) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", id);
    r.put("value", value);
    if (ex == null) r.put("offset", offset); else r.putNull("offset");
    if (ex == null) r.putNull("error"); else r.put("error", ex.getClass().getName() + ": " + ex.getMessage());
    synchronized (completed) { completed.add(r); pending--; }
  }

  private ObjectNode acks() {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode a = o.putArray("results");
    synchronized (completed) {
      completed.forEach(a::add);
      o.put("pending", pending);
    }
    return o;
  }

  private ObjectNode consume(String topic, JsonNode c) {
    TopicPartition tp = new TopicPartition(topic, 0);
    if (consumer == null) {
      Properties p = new Properties();
      p.put("bootstrap.servers", bootstrap);
      p.put("max.poll.records", "1");
      p.put("enable.auto.commit", "false");
      p.put("auto.offset.reset", c.path("reset").asText("none"));
      p.put("request.timeout.ms", "3000");
      p.put("default.api.timeout.ms", "5000");
      p.put("key.deserializer", StringDeserializer.class.getName());
      p.put("value.deserializer", StringDeserializer.class.getName());
      consumer = new KafkaConsumer<>(p);
      consumer.assign(Set.of(tp));
      consumer.seek(tp, 0);
    }
    if (c.has("from")) consumer.seek(tp, c.get("from").asLong());
    ObjectNode o = JSON.createObjectNode();
    ArrayNode a = o.putArray("records");
    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(c.path("timeoutMs").asLong(2000)))) {
      ObjectNode x = a.addObject();
      x.put("offset", r.offset());
      x.put("value", r.value());
      x.put("leaderEpoch", r.leaderEpoch().orElse(-1));
    }
    o.put("position", consumer.position(tp));
    return o;
  }

  private ObjectNode brokers() throws Exception {
    ObjectNode o = JSON.createObjectNode();
    o.set("ids", ids(new ArrayList<>(admin.describeCluster().nodes().get())));
    return o;
  }

  private ObjectNode elect(String topic, String type) throws Exception {
    admin.electLeaders(ElectionType.valueOf(type), Set.of(new TopicPartition(topic, 0))).all().get();
    return JSON.createObjectNode();
  }

  private void close() {
    sender.shutdownNow();
    producers.values().forEach(p -> p.close(Duration.ofMillis(500)));
    if (consumer != null) consumer.close(Duration.ofMillis(500));
    admin.close(Duration.ofMillis(500));
  }
}
