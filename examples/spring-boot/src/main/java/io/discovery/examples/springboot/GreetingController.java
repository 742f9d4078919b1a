package io.discovery.examples.springboot;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The service role's one endpoint: {@code GET /hello} says which instance answered. */
@RestController
@Profile("service")
class GreetingController {
  private final WebServerApplicationContext context;

  GreetingController(WebServerApplicationContext context) {
    this.context = context;
  }

  @GetMapping("/hello")
  String hello() {
    return "hello from the instance on port " + context.getWebServer().getPort();
  }
}
