// vcsim-test: VMware's vCenter simulator (govmomi 0.24, from Debian's
// golang-github-vmware-govmomi-dev) on loopback, plain HTTP, for the vCenter backend's tests.
//
// Copyright 2026 The VDI Console authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Prints "URL=http://USER:PASS@127.0.0.1:PORT/sdk" once serving; exits on SIGINT/SIGTERM or when
// stdin closes, so a test that dies does not leave it running.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// slowVM makes CloneVM_Task asynchronous with rising progress (vcsim 0.24 tasks are
// synchronous), so that following a task is exercised; see research/vsphere-vim25.md §7.6.
// The VM is embedded by value: vcsim's ContainerView digs the mo type out of the first field
// and cannot follow a pointer (research §7.6 embeds a pointer, which breaks listings).
type slowVM struct {
	simulator.VirtualMachine
	step time.Duration
}

// holdFile, when set, makes slow clones wait while that file exists before they finish: a test
// sees the task running for as long as it needs, whatever the machine's load.
var holdFile string

func holdWhileFileExists() {
	for holdFile != "" {
		if _, err := os.Stat(holdFile); err != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (vm *slowVM) CloneVMTask(ctx *simulator.Context, req *types.CloneVM_Task) soap.HasFault {
	task := simulator.CreateTask(vm, "cloneVm", func(t *simulator.Task) (types.AnyType, types.BaseMethodFault) {
		for p := 10; p <= 90; p += 40 {
			time.Sleep(vm.step)
			simulator.Map.Update(t, []types.PropertyChange{{Name: "info.progress", Val: int32(p)}})
		}
		holdWhileFileExists()
		var res soap.HasFault
		simulator.Map.WithLock(&vm.VirtualMachine, func() { res = vm.VirtualMachine.CloneVMTask(ctx, req) })
		inner := simulator.Map.Get(res.(*methods.CloneVM_TaskBody).Res.Returnval).(*simulator.Task)
		if inner.Info.Error != nil {
			return nil, inner.Info.Error.Fault
		}
		return inner.Info.Result, nil
	})
	go task.Run()
	return &methods.CloneVM_TaskBody{Res: &types.CloneVM_TaskResponse{Returnval: task.Self}}
}

func main() {
	user := flag.String("username", "vdi", "the only user name accepted")
	pass := flag.String("password", "vdi-secret", "its password")
	step := flag.Duration("clone-step", 0, "make CloneVM_Task asynchronous, this long per progress step")
	flag.StringVar(&holdFile, "hold-file", "", "slow clones wait while this file exists")
	flag.DurationVar(&simulator.SessionIdleTimeout, "session-idle", 0, "expire sessions idle this long")
	flag.BoolVar(&simulator.Trace, "trace", false, "SOAP trace to stderr")
	flag.Parse()

	model := simulator.VPX()
	model.Datastore = 2
	if err := model.Create(); err != nil {
		panic(err)
	}
	if *step > 0 {
		for _, e := range simulator.Map.All("VirtualMachine") {
			simulator.Map.Put(&slowVM{*e.(*simulator.VirtualMachine), *step})
		}
	}
	model.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(*user, *pass)}
	model.Service.TLS = nil
	s := model.Service.NewServer()
	fmt.Printf("URL=%s\n", s.URL)
	os.Stdout.Sync()

	done := make(chan os.Signal, 1)
	signal.Notify(done, syscall.SIGINT, syscall.SIGTERM)
	go func() { io.Copy(io.Discard, os.Stdin); done <- syscall.SIGTERM }()
	<-done
	s.Close()
	model.Remove()
}
