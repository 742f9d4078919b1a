package io.discovery.spring.boot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A service for the integration tests: {@code GET /hello} answers with its name and port. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(GreetingApp.Hello.class)
class GreetingApp {

  @Bean
  ShutdownProbe shutdownProbe() {
    return new ShutdownProbe();
  }

  @RestController
  static class Hello {
    private final Environment environment;
    private final WebServerApplicationContext context;

    Hello(Environment environment, WebServerApplicationContext context) {
      this.environment = environment;
      this.context = context;
    }

    @GetMapping("/hello")
    String hello() {
      return "hello from " + environment.getProperty("spring.application.name") + ":" + context.getWebServer().getPort();
    }
  }
}
