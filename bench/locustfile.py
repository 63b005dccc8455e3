"""Locust flows for bench/bench_load.py: a learner logs in, starts a 20-question
session and answers every question; and a bare-view baseline."""

import os
import random
import re

from locust import HttpUser, between, constant, task

PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-password-1")
N_USERS = int(os.environ.get("BENCH_USERS", "50"))
START = os.environ.get("BENCH_START", "/practice/cnns/convolutional-layer/")
CHOICE = re.compile(r'name="choice" value="(\d+)"')
_next = iter(range(10**9))
# Every answer sent and every answer accepted, for the exactly-once check.
LOG = open(os.environ.get("BENCH_ANSWER_LOG", os.devnull), "a", buffering=1)  # noqa: SIM115


class Learner(HttpUser):
    wait_time = between(0, 0.05)

    def on_start(self):
        self.index = next(_next) % N_USERS
        self.client.get("/accounts/login/", name="login page")
        self.client.post(
            "/accounts/login/",
            {
                "login": f"bench{self.index}@bench.local",
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="log in",
            allow_redirects=False,
        )

    def csrf(self) -> dict:
        return {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}

    @task
    def practise(self):
        started = self.client.post(
            START,
            {"size": 20, "difficulties": ["easy", "medium", "hard"], **self.csrf()},
            name="start session",
            allow_redirects=False,
            headers={"Referer": self.host},
        )
        location = started.headers.get("Location", "")
        match = re.match(r".*/sessions/(\d+)/1/$", location)
        if not match:
            return
        session = match[1]
        for position in range(1, 21):
            page = self.client.get(f"/sessions/{session}/{position}/", name="question page")
            choices = CHOICE.findall(page.text)
            if not choices:
                break
            LOG.write(f"sent {session} {position}\n")
            with self.client.post(
                f"/sessions/{session}/{position}/answer/",
                {"choice": random.choice(choices), **self.csrf()},
                name="answer",
                allow_redirects=False,
                headers={"Referer": self.host},
                catch_response=True,
            ) as response:
                if response.status_code == 302:
                    response.success()
                    LOG.write(f"stored {session} {position}\n")
                else:
                    response.failure(f"status {response.status_code}")
        # Next iteration: another session (the flow repeats until the run ends).


class Bare(HttpUser):
    """The baseline: a bare Django view behind the same server."""

    wait_time = constant(0)

    @task
    def ping(self):
        self.client.get("/ping/", name="bare view")
