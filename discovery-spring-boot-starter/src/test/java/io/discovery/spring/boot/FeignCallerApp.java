package io.discovery.spring.boot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.web.bind.annotation.GetMapping;

/** A caller for the integration tests through OpenFeign: the service's name comes from {@code greeting.service}. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableFeignClients(clients = FeignCallerApp.Greeting.class)
class FeignCallerApp {

  @FeignClient(name = "${greeting.service}")
  interface Greeting {
    @GetMapping("/hello")
    String hello();
  }
}
